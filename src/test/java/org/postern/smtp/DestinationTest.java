package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DestinationTest {
  @Test
  void parse_smtpForms_hostPortAndMxLookup() {
    assertThat(Destination.parse("example.com", Protocol.SMTP, "smtp", "me"))
        .isEqualTo(new Destination("example.com", 25, true, Optional.empty(), "example.com"));
    assertThat(Destination.parse("[mx.example.com]:587", Protocol.SMTP, "smtp", "me"))
        .extracting(Destination::host, Destination::port, Destination::mxLookup)
        .containsExactly("mx.example.com", 587, false);
    assertThat(Destination.parse("[ipv6:2001:db8::1]", Protocol.SMTP, "25", "me"))
        .extracting(Destination::host, Destination::mxLookup).containsExactly("2001:db8::1", false);
    assertThat(Destination.parse("example.com:submission", Protocol.SMTP, "smtp", "me").port())
        .isEqualTo(587);
  }

  @Test
  void parse_lmtpForms_socketOrInetWithDefaultPort() {
    assertThat(Destination.parse("unix:/run/dovecot/lmtp", Protocol.LMTP, "24", "me.example"))
        .extracting(Destination::host, Destination::socket)
        .containsExactly("me.example", Optional.of(Path.of("/run/dovecot/lmtp")));
    assertThat(Destination.parse("inet:store.example", Protocol.LMTP, "24", "me"))
        .extracting(Destination::host, Destination::port, Destination::mxLookup)
        .containsExactly("store.example", 24, false);
  }

  @Test
  void parse_badPort_throwsNamingNexthop() {
    assertThatThrownBy(() -> Destination.parse("[a.example]:nope", Protocol.SMTP, "smtp", "me"))
        .hasMessageContaining("[a.example]:nope");
  }
}
