package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayCheckTest {
  private static final RelayCheck.Client OUTSIDER = new RelayCheck.Client(false, false);
  private static final RelayCheck.Client INSIDER = new RelayCheck.Client(true, false);

  private static RelayCheck check(boolean allowUntrustedRouting) {
    return new RelayCheck(
        List.of(
            RelayCheck.Restriction.PERMIT_MYNETWORKS,
            RelayCheck.Restriction.PERMIT_SASL_AUTHENTICATED,
            RelayCheck.Restriction.DEFER_UNAUTH_DESTINATION),
        List.of("mx.test", "localhost"),
        List.of("relay.test"),
        allowUntrustedRouting);
  }

  @Test
  void check_outsiderToLocalDomain_permits() {
    assertThat(check(false).check(OUTSIDER, MailAddress.parse("<u@MX.test>"))).isEmpty();
  }

  @Test
  void check_outsiderToRelayDomainSubdomain_permits() {
    assertThat(check(false).check(OUTSIDER, MailAddress.parse("<u@a.relay.test>"))).isEmpty();
  }

  @Test
  void check_outsiderToRemote_defers454() {
    assertThat(check(false).check(OUTSIDER, MailAddress.parse("<u@remote.example>")))
        .hasValueSatisfying(r -> assertThat(r.toString()).isEqualTo("454 4.7.1 <u@remote.example>: Relay access denied"));
  }

  @Test
  void check_insiderToRemote_permits() {
    assertThat(check(false).check(INSIDER, MailAddress.parse("<u@remote.example>"))).isEmpty();
  }

  @Test
  void resolve_percentHackInLocalDomain_routesToNamedDomain() {
    RelayCheck.Destination d = check(false).resolve(MailAddress.parse("<u%remote.example@mx.test>"));
    assertThat(d).isEqualTo(new RelayCheck.Destination("remote.example", false, false, true));
  }

  @Test
  void authorized_routedToLocalDomain_onlyWithAllowUntrustedRouting() {
    MailAddress a = MailAddress.parse("<u%localhost@mx.test>");
    assertThat(check(false).authorized(a)).isFalse();
    assertThat(check(true).authorized(a)).isTrue();
  }

  @Test
  void authorized_quotedAtAndBangPaths_areJudgedByRealDestination() {
    assertThat(check(false).authorized(MailAddress.parse("<\"u@remote.example\"@mx.test>"))).isFalse();
    assertThat(check(false).authorized(MailAddress.parse("<remote.example!u@mx.test>"))).isFalse();
    assertThat(check(false).authorized(MailAddress.parse("<@mx.test:u@remote.example>"))).isFalse();
  }
}
