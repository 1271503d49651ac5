package org.postern.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextWrapTest {
  @Test
  void wrap_shortLine_unchanged() {
    assertThat(TextWrap.wrap("<a@example>: gone", 79, 4)).containsExactly("<a@example>: gone");
  }

  @Test
  void wrap_longLine_breaksAtSpacesAndIndents() {
    String text = "word ".repeat(30).strip();
    var lines = TextWrap.wrap(text, 20, 4);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(20));
    assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l).startsWith("    w"));
    assertThat(String.join(" ", lines).replaceAll(" +", " ")).isEqualTo(text);
  }

  @Test
  void wrap_wordLongerThanWidth_keptWhole() {
    assertThat(TextWrap.wrap("x".repeat(30) + " y", 10, 2)).containsExactly("x".repeat(30), "  y");
  }
}
