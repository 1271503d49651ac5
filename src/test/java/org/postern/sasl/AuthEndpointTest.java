package org.postern.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AuthEndpointTest {
  private static final Path QUEUE = Path.of("/var/spool/postfix");

  @Test
  void parse_relativePath_isUnderQueueDirectory() {
    assertThat(AuthEndpoint.parse("private/auth", QUEUE).address())
        .isEqualTo(UnixDomainSocketAddress.of("/var/spool/postfix/private/auth"));
  }

  @Test
  void parse_absoluteAndUnixPrefixed_areUsedAsGiven() {
    assertThat(AuthEndpoint.parse("/run/dovecot/auth-client", QUEUE).address())
        .isEqualTo(UnixDomainSocketAddress.of("/run/dovecot/auth-client"));
    assertThat(AuthEndpoint.parse("unix:/run/auth", QUEUE).address()).isEqualTo(UnixDomainSocketAddress.of("/run/auth"));
  }

  @Test
  void parse_inet_hostAndPort() {
    InetSocketAddress a = (InetSocketAddress) AuthEndpoint.parse("inet:127.0.0.1:12345", QUEUE).address();
    assertThat(a.getHostString()).isEqualTo("127.0.0.1");
    assertThat(a.getPort()).isEqualTo(12345);
    InetSocketAddress v6 = (InetSocketAddress) AuthEndpoint.parse("inet:[::1]:12345", QUEUE).address();
    assertThat(v6.getHostString()).isEqualTo("::1");
  }

  @Test
  void parse_badInet_throws() {
    assertThatThrownBy(() -> AuthEndpoint.parse("inet:host", QUEUE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuthEndpoint.parse("inet:host:99999", QUEUE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuthEndpoint.parse("", QUEUE)).isInstanceOf(IllegalArgumentException.class);
  }
}
