package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalExpandTest {
  private static final String FILTER = "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyz";
  private final Map<String, String> values =
      Map.of("home", "/home/alice", "recipient_delimiter", "+", "extension", "lists", "user", "alice");

  @Test
  void expand_defaultForwardPath_givesBothFiles() {
    assertThat(LocalExpand.expand("$home/.forward${recipient_delimiter}${extension}, $home/.forward",
        values, FILTER)).isEqualTo("/home/alice/.forward+lists, /home/alice/.forward");
  }

  @Test
  void expand_conditionals_followPostfixMeaning() {
    assertThat(LocalExpand.expand("${extension?x-$extension}${domain:nodomain}$(user)", values, FILTER))
        .isEqualTo("x-listsnodomainalice");
  }

  @Test
  void expand_valueOutsideFilter_becomesUnderscore() {
    assertThat(LocalExpand.expand("procmail -a $extension", Map.of("extension", "x;rm -rf"), FILTER))
        .isEqualTo("procmail -a x_rm_-rf");
  }
}
