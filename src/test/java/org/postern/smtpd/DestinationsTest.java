package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postern.config.InterfaceAddresses;

class DestinationsTest {
  private static Destinations destinations(boolean allowUntrustedRouting) throws Exception {
    InterfaceAddresses interfaces = InterfaceAddresses.of(
        List.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8::1")));
    return new Destinations(
        List.of("mx.test", "localhost"), interfaces, List.of("relay.test"), allowUntrustedRouting);
  }

  @Test
  void authorized_localDomainAnyCase_isTrue() throws Exception {
    assertThat(destinations(false).authorized(MailAddress.parse("<u@MX.test>"))).isTrue();
  }

  @Test
  void authorized_relayDomainSubdomain_isTrue() throws Exception {
    assertThat(destinations(false).authorized(MailAddress.parse("<u@a.relay.test>"))).isTrue();
  }

  @Test
  void authorized_remoteAndForeignAddressLiteral_areFalse() throws Exception {
    assertThat(destinations(false).authorized(MailAddress.parse("<u@remote.example>"))).isFalse();
    assertThat(destinations(false).authorized(MailAddress.parse("<u@[192.0.2.9]>"))).isFalse();
  }

  @Test
  void resolve_addressLiteralOfOwnInterface_isLocal() throws Exception {
    assertThat(destinations(false).resolve(MailAddress.parse("<u@[192.0.2.1]>")))
        .isEqualTo(new Destinations.Destination("u", "[192.0.2.1]", true, false, false));
    assertThat(destinations(false).authorized(MailAddress.parse("<u@[IPv6:2001:DB8:0::1]>"))).isTrue();
    assertThat(destinations(false).authorized(MailAddress.parse("<u@[ipv6:2001:db8::1]>"))).isTrue();
  }

  @Test
  void resolve_percentHackBehindOwnAddressLiteral_routesToNamedDomain() throws Exception {
    Destinations.Destination d =
        destinations(false).resolve(MailAddress.parse("<u%remote.example@[192.0.2.1]>"));
    assertThat(d).isEqualTo(new Destinations.Destination("u", "remote.example", false, false, true));
  }

  @Test
  void resolve_percentHackInLocalDomain_routesToNamedDomain() throws Exception {
    Destinations.Destination d = destinations(false).resolve(MailAddress.parse("<u%remote.example@mx.test>"));
    assertThat(d).isEqualTo(new Destinations.Destination("u", "remote.example", false, false, true));
  }

  @Test
  void authorized_routedToLocalDomain_onlyWithAllowUntrustedRouting() throws Exception {
    MailAddress a = MailAddress.parse("<u%localhost@mx.test>");
    assertThat(destinations(false).authorized(a)).isFalse();
    assertThat(destinations(true).authorized(a)).isTrue();
  }

  @Test
  void authorized_quotedAtAndBangPaths_areJudgedByRealDestination() throws Exception {
    assertThat(destinations(false).authorized(MailAddress.parse("<\"u@remote.example\"@mx.test>"))).isFalse();
    assertThat(destinations(false).authorized(MailAddress.parse("<remote.example!u@mx.test>"))).isFalse();
    assertThat(destinations(false).authorized(MailAddress.parse("<@mx.test:u@remote.example>"))).isFalse();
  }
}
