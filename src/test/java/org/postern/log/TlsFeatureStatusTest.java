package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.log.TlsFeatureStatus.Level.DANE;
import static org.postern.log.TlsFeatureStatus.Level.ENCRYPT;
import static org.postern.log.TlsFeatureStatus.Level.HALFDANE;
import static org.postern.log.TlsFeatureStatus.Level.MAY;
import static org.postern.log.TlsFeatureStatus.Level.NONE;
import static org.postern.log.TlsFeatureStatus.RequireTlsDetail.NOCERTMATCH;
import static org.postern.log.TlsFeatureStatus.RequireTlsDetail.NOENCRYPTION;
import static org.postern.log.TlsFeatureStatus.RequireTlsDetail.NOSTARTTLS;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.RequireTls;
import org.postern.log.TlsFeatureStatus.RequireTlsDetail;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.tls.TlsSecurityLevel;

/** Every {@code tls=} example of REQUIRETLS.md section 4, and the seeds' HISTORY examples. */
class TlsFeatureStatusTest {

  private static String level(SecurityLevel level) {
    return TlsFeatureStatus.of(level).format();
  }

  private static String withRequireTls(RequireTls requireTls) {
    return TlsFeatureStatus.of(SecurityLevel.compliant(DANE), requireTls).format();
  }

  @Test
  void format_compliantLevels_nameOnly() {
    assertThat(level(SecurityLevel.compliant(NONE))).isEqualTo("none");
    assertThat(level(SecurityLevel.compliant(MAY))).isEqualTo("may");
    assertThat(level(SecurityLevel.compliant(DANE))).isEqualTo("dane");
  }

  @Test
  void format_undecidedLevel_questionMark() {
    assertThat(level(SecurityLevel.undecided(MAY))).isEqualTo("may?");
    assertThat(level(SecurityLevel.undecided(DANE))).isEqualTo("dane?");
  }

  @Test
  void format_downgradedLevel_colonReached() {
    assertThat(level(SecurityLevel.downgraded(MAY, NONE))).isEqualTo("may:none");
    assertThat(level(SecurityLevel.downgraded(DANE, HALFDANE))).isEqualTo("dane:halfdane");
    assertThat(level(SecurityLevel.downgraded(DANE, ENCRYPT))).isEqualTo("dane:encrypt");
  }

  @Test
  void format_violatedLevel_exclamationMark() {
    assertThat(level(SecurityLevel.violated(Level.DANE_ONLY))).isEqualTo("!dane-only");
    assertThat(level(SecurityLevel.violated(Level.DANE_ONLY, ENCRYPT)))
        .isEqualTo("!dane-only:encrypt");
  }

  @Test
  void format_requireTlsCompliant_plainName() {
    assertThat(withRequireTls(RequireTls.compliant())).isEqualTo("dane/requiretls");
  }

  @Test
  void format_requireTlsViolated_exclamationAndDetail() {
    assertThat(withRequireTls(RequireTls.violated(NOCERTMATCH)))
        .isEqualTo("dane/!requiretls:nocertmatch");
    assertThat(withRequireTls(RequireTls.violated(NOSTARTTLS)))
        .isEqualTo("dane/!requiretls:nostarttls");
    assertThat(withRequireTls(RequireTls.violated(NOENCRYPTION)))
        .isEqualTo("dane/!requiretls:noencryption");
    assertThat(withRequireTls(RequireTls.violated(RequireTlsDetail.NONE)))
        .isEqualTo("dane/!requiretls:none");
  }

  @Test
  void format_requireTlsPermittedByRelaxedAction_detailWithoutExclamation() {
    assertThat(withRequireTls(RequireTls.permitted(NOCERTMATCH)))
        .isEqualTo("dane/requiretls:nocertmatch");
    assertThat(withRequireTls(RequireTls.permitted(RequireTlsDetail.NONE)))
        .isEqualTo("dane/requiretls:none");
  }

  @Test
  void format_requireTlsUndecided_questionMark() {
    assertThat(withRequireTls(RequireTls.undecided())).isEqualTo("dane/requiretls?");
  }

  @Test
  void format_encryptWithRelaxedRequireTls_asInPostfixHistory() {
    TlsFeatureStatus status =
        TlsFeatureStatus.of(SecurityLevel.compliant(ENCRYPT), RequireTls.permitted(NOCERTMATCH));

    assertThat(status.format()).isEqualTo("encrypt/requiretls:nocertmatch");
  }

  @Test
  void format_bothUndecided_eachMarked() {
    TlsFeatureStatus status =
        TlsFeatureStatus.of(SecurityLevel.undecided(MAY), RequireTls.undecided());

    assertThat(status.format()).isEqualTo("may?/requiretls?");
  }

  @Test
  void securityLevel_reachedSameAsRequested_notShown() {
    assertThat(level(SecurityLevel.downgraded(DANE, DANE))).isEqualTo("dane");
  }

  @Test
  void securityLevel_undecidedWithReached_rejected() {
    assertThatThrownBy(
            () -> new SecurityLevel(MAY, Optional.of(NONE), TlsFeatureStatus.Status.UNDECIDED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void features_withoutRequireTls_onlyTheLevel() {
    assertThat(TlsFeatureStatus.of(SecurityLevel.compliant(MAY)).features())
        .extracting(TlsFeatureStatus.Feature::name)
        .containsExactly("may");
  }

  @Test
  void level_ofEveryConfiguredLevel_samePostfixSpelling() {
    for (TlsSecurityLevel configured : TlsSecurityLevel.values()) {
      assertThat(Level.of(configured).toString()).isEqualTo(configured.postfixName());
    }
  }

  @Test
  void deliveryStatusLine_requireTlsExample_matchesRequireTlsMd() {
    String text =
        DeliveryStatusLine.builder("4Q7Xyz1fGzz3Qx", "user@example.org")
            .relay(Relay.host("mx.example.org", "192.0.2.25", 25))
            .delays(
                new DeliveryDelays(
                    Duration.ofMillis(400),
                    Duration.ofMillis(100),
                    Duration.ZERO,
                    Duration.ofMillis(200),
                    Duration.ofMillis(100)))
            .tlsFeatureStatus(
                TlsFeatureStatus.of(SecurityLevel.compliant(DANE), RequireTls.compliant()))
            .outcome("2.0.0", DeliveryStatusLine.Status.SENT, "250 2.0.0 Ok")
            .text();

    assertThat(text)
        .endsWith(
            "delays=0.1/0/0.2/0.1, tls=dane/requiretls, dsn=2.0.0, status=sent (250 2.0.0 Ok)")
        .isEqualTo(
            "4Q7Xyz1fGzz3Qx: to=<user@example.org>, relay=mx.example.org[192.0.2.25]:25,"
                + " delay=0.4, delays=0.1/0/0.2/0.1, tls=dane/requiretls, dsn=2.0.0,"
                + " status=sent (250 2.0.0 Ok)");
  }
}
