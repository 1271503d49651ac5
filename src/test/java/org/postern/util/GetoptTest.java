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
}
