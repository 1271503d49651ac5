package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class MynetworksTest {
  private final Mynetworks networks =
      Mynetworks.parse(List.of("127.0.0.0/8", "192.0.2.128/25", "[2001:db8::]/32", "198.51.100.7"));

  private boolean contains(String address) throws Exception {
    return networks.contains(InetAddress.getByName(address));
  }

  @Test
  void contains_ipv4InsideAndOutsideBlocks_matchesByPrefix() throws Exception {
    assertThat(contains("127.1.2.3")).isTrue();
    assertThat(contains("192.0.2.200")).isTrue();
    assertThat(contains("192.0.2.127")).isFalse();
    assertThat(contains("198.51.100.7")).isTrue();
    assertThat(contains("198.51.100.8")).isFalse();
  }

  @Test
  void contains_ipv6AndMappedIpv4_matches() throws Exception {
    assertThat(contains("2001:db8:1::5")).isTrue();
    assertThat(contains("2001:db9::5")).isFalse();
    assertThat(contains("::ffff:127.0.0.1")).isTrue();
  }

  @Test
  void parse_hostnameOrBadPrefix_throws() {
    assertThatThrownBy(() -> Mynetworks.parse(List.of("example.com"))).hasMessageContaining("example.com");
    assertThatThrownBy(() -> Mynetworks.parse(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
  }
}
