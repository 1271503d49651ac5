package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationsTest {
  private static Destinations destinations(boolean allowUntrustedRouting) {
    return new Destinations(List.of("mx.test", "localhost"), List.of("relay.test"), allowUntrustedRouting);
  }

  @Test
  void authorized_localDomainAnyCase_isTrue() {
    assertThat(destinations(false).authorized(MailAddress.parse("<u@MX.test>"))).isTrue();
  }

  @Test
  void authorized_relayDomainSubdomain_isTrue() {
    assertThat(destinations(false).authorized(MailAddress.parse("<u@a.relay.test>"))).isTrue();
  }

  @Test
  void authorized_remoteAndAddressLiteral_areFalse() {
    assertThat(destinations(false).authorized(MailAddress.parse("<u@remote.example>"))).isFalse();
    assertThat(destinations(false).authorized(MailAddress.parse("<u@[127.0.0.1]>"))).isFalse();
  }

  @Test
  void resolve_percentHackInLocalDomain_routesToNamedDomain() {
    Destinations.Destination d = destinations(false).resolve(MailAddress.parse("<u%remote.example@mx.test>"));
    assertThat(d).isEqualTo(new Destinations.Destination("u", "remote.example", false, false, true));
  }

  @Test
  void authorized_routedToLocalDomain_onlyWithAllowUntrustedRouting() {
    MailAddress a = MailAddress.parse("<u%localhost@mx.test>");
    assertThat(destinations(false).authorized(a)).isFalse();
    assertThat(destinations(true).authorized(a)).isTrue();
  }

  @Test
  void authorized_quotedAtAndBangPaths_areJudgedByRealDestination() {
    assertThat(destinations(false).authorized(MailAddress.parse("<\"u@remote.example\"@mx.test>"))).isFalse();
    assertThat(destinations(false).authorized(MailAddress.parse("<remote.example!u@mx.test>"))).isFalse();
    assertThat(destinations(false).authorized(MailAddress.parse("<@mx.test:u@remote.example>"))).isFalse();
  }
}
