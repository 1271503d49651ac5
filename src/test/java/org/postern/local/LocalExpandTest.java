package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalExpandTest {
  private static final String FILTER = "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyz";
  private final Map<String, String> values =
      Map.of("home", "/home/alice", "recipient_delimiter", "+", "extension", "lists", "user", "alice");

  @Test
  void expand_defaultForwardPath_givesBothFiles() throws Exception {
    assertThat(LocalExpand.expand("$home/.forward${recipient_delimiter}${extension}, $home/.forward",
        values, FILTER)).isEqualTo("/home/alice/.forward+lists, /home/alice/.forward");
  }

  @Test
  void expand_conditionals_followPostfixMeaning() throws Exception {
    assertThat(LocalExpand.expand("${extension?x-$extension}${domain:nodomain}$(user)", values, FILTER))
        .isEqualTo("x-listsnodomainalice");
  }

  @Test
  void expand_valueOutsideFilter_becomesUnderscore() throws Exception {
    assertThat(LocalExpand.expand("procmail -a $extension", Map.of("extension", "x;rm -rf"), FILTER))
        .isEqualTo("procmail -a x_rm_-rf");
  }

  @Test
  void expand_doubleDollarAndNestedConditional_asPostfixMacExpand() throws Exception {
    assertThat(LocalExpand.expand("a$$b ${extension?{+${extension}}:{none}}", values, FILTER))
        .isEqualTo("a$b +lists");
    assertThat(LocalExpand.expand("${{$extension} == {lists} ? {l} : {o}}", values, FILTER))
        .isEqualTo("l");
  }

  @Test
  void expand_unbalancedBrace_isAnError() {
    assertThatThrownBy(() -> LocalExpand.expand("$home/${user", values, FILTER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing '}'");
  }

  @Test
  void forwardFiles_skipMalformedAndUndefinedEntries_asPostfixDotforward() {
    assertThat(LocalExpand.forwardFiles(
        "$home/.forward${recipient_delimiter}${extension}, $home/${user, $home/$nope,\t$home/.fwd",
        values, FILTER))
        .containsExactly("/home/alice/.forward+lists", "/home/alice/.fwd");
  }
}
