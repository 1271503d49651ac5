package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

class ProxyEndpointTest {
  @Test
  void parse_inetForms_giveHostAndPort() {
    for (String text : new String[] {"127.0.0.1:10025", "inet:127.0.0.1:10025", "[127.0.0.1]:10025"}) {
      InetSocketAddress a = (InetSocketAddress) ProxyEndpoint.parse(text).address();
      assertThat(a.getHostString()).isEqualTo("127.0.0.1");
      assertThat(a.getPort()).isEqualTo(10025);
    }
  }

  @Test
  void parse_unix_givesSocketPath() {
    assertThat(ProxyEndpoint.parse("unix:/var/spool/filter").address())
        .isEqualTo(UnixDomainSocketAddress.of("/var/spool/filter"));
  }

  @Test
  void parse_missingPort_throws() {
    assertThatThrownBy(() -> ProxyEndpoint.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProxyEndpoint.parse("localhost:smtp")).isInstanceOf(IllegalArgumentException.class);
  }
}
