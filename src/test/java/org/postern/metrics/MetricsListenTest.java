package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsListenTest {
  @Test
  void parse_empty_off() {
    assertThat(MetricsListen.parse("")).isEmpty();
    assertThat(MetricsListen.parse("  ")).isEmpty();
  }

  @Test
  void parse_portOnly_loopback() {
    assertThat(MetricsListen.parse("9154").orElseThrow()).hasToString("127.0.0.1:9154");
  }

  @Test
  void parse_hostAndPort_thatAddress() {
    assertThat(MetricsListen.parse("127.0.105.7:9154").orElseThrow())
        .hasToString("127.0.105.7:9154");
  }

  @Test
  void parse_bracketedIpv6_thatAddress() {
    assertThat(MetricsListen.parse("[::1]:9154").orElseThrow().address().getAddress()
        .isLoopbackAddress()).isTrue();
  }

  @Test
  void parse_badValues_namedInMessage() {
    for (String bad : new String[] {"metrics", "127.0.0.1:", ":9154", "127.0.0.1:0",
        "127.0.0.1:65536", "::1:9154", "127.0.0.1:91x"}) {
      assertThatThrownBy(() -> MetricsListen.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("postern_metrics_listen: bad value \"" + bad + "\"");
    }
  }
}
