package org.postern.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GetoptTest {
  @Test
  void parse_combinedFlagsAndAttachedArgument_likeGetopt() throws Exception {
    Getopt g = Getopt.parse(List.of("-nv", "-c/etc/x", "-q", "key", "file"), "c:nq:v");
    assertThat(g.has('n')).isTrue();
    assertThat(g.has('v')).isTrue();
    assertThat(g.value('c')).isEqualTo("/etc/x");
    assertThat(g.value('q')).isEqualTo("key");
    assertThat(g.operands()).containsExactly("file");
  }

  @Test
  void parse_stopsAtFirstOperandAndAtDoubleDash() throws Exception {
    assertThat(Getopt.parse(List.of("a", "-n"), "n").operands()).containsExactly("a", "-n");
    assertThat(Getopt.parse(List.of("--", "-n"), "n").operands()).containsExactly("-n");
  }

  @Test
  void parse_unknownFlagOrMissingArgument_throws() {
    assertThatThrownBy(() -> Getopt.parse(List.of("-x"), "n"))
        .isInstanceOf(Getopt.UsageException.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> Getopt.parse(List.of("-c"), "c:"))
        .isInstanceOf(Getopt.UsageException.class)
        .hasMessageContaining("requires an argument");
  }

  private static final List<Getopt.LongOption> LONGS = List.of(
      new Getopt.LongOption("since", true, 'S'), new Getopt.LongOption("json", false, 'j'));

  @Test
  void parse_longOptions_valueAttachedOrNextAndFlagsMixed() throws Exception {
    Getopt g = Getopt.parse(
        List.of("--since=2026-12-06", "-c", "/etc/x", "--json", "--since", "later", "log"),
        "c:", LONGS);
    assertThat(g.has('j')).isTrue();
    assertThat(g.value('S')).isEqualTo("later");
    assertThat(g.value('c')).isEqualTo("/etc/x");
    assertThat(g.operands()).containsExactly("log");
  }

  @Test
  void parse_longOptionWithoutLongOptionsDeclared_unrecognized() {
    assertThatThrownBy(() -> Getopt.parse(List.of("--json"), "j"))
        .isInstanceOf(Getopt.UsageException.class)
        .hasMessage("unrecognized option '--json'");
  }

  @Test
  void parse_badLongOptions_throwAsGetoptLongSays() {
    assertThatThrownBy(() -> Getopt.parse(List.of("--sin=x"), "", LONGS))
        .hasMessage("unrecognized option '--sin'");
    assertThatThrownBy(() -> Getopt.parse(List.of("--since"), "", LONGS))
        .hasMessage("option '--since' requires an argument");
    assertThatThrownBy(() -> Getopt.parse(List.of("--json=yes"), "", LONGS))
        .hasMessage("option '--json' doesn't allow an argument");
  }
}
