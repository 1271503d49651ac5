package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.dns.TlsaRecord;
import org.postern.log.RequireTlsCheckLine.Check;
import org.postern.mtasts.ActivePolicy;
import org.postern.mtasts.MtaStsPolicy;
import org.postern.tls.ExternalPolicy;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tls.TlsaMatcher;

class CertificateCheckTest {
  private static final CertificateCheck PKIX =
      CertificateCheck.pkix(TlsSecurityLevel.SECURE, "mx.sts.example");

  @Test
  void dane_namesUsageSelectorMatchingTypeAndDepth() {
    TlsaRecord r = new TlsaRecord(2, 0, 1, new byte[32]);

    assertThat(CertificateCheck.dane(new TlsaMatcher.Match(r, 1), false).line(
            "4dXa1", "a@dane.example", "mx.dane.example[192.0.2.1]:25").text())
        .isEqualTo("4dXa1: requiretls: to=<a@dane.example>, relay=mx.dane.example[192.0.2.1]:25,"
            + " check=dane (TLSA 2 0 1 matched depth 1)");
    assertThat(CertificateCheck.dane(new TlsaMatcher.Match(r, 0), true).detail())
        .isEqualTo("TLSA 2 0 1 matched depth 0, MX host not DNSSEC-validated");
  }

  @Test
  void line_noRelay_none() {
    assertThat(CertificateCheck.NOT_CONNECTED.line("Q", "a@b", "").text())
        .isEqualTo("Q: requiretls: to=<a@b>, relay=none, check=none (no connection)");
  }

  @Test
  void failed_namesTheCheckTheLevelAskedFor() {
    assertThat(CertificateCheck.failed(TlsSecurityLevel.DANE, true))
        .isEqualTo(new CertificateCheck(Check.DANE, "no TLSA record matched"));
    assertThat(CertificateCheck.failed(TlsSecurityLevel.FINGERPRINT, false).check())
        .isEqualTo(Check.FINGERPRINT);
    assertThat(CertificateCheck.failed(TlsSecurityLevel.VERIFY, false))
        .isEqualTo(new CertificateCheck(Check.PKIX,
            "verify, chain not trusted or no name matched"));
  }

  @Test
  void underMtaSts_enforcedPolicy_pkixNamedMtaSts() {
    ActivePolicy policy = new ActivePolicy("sts.example", "sts1", Instant.EPOCH,
        new MtaStsPolicy(MtaStsPolicy.Mode.ENFORCE, Duration.ofDays(1), List.of("mx.sts.example")),
        "");

    assertThat(PKIX.underMtaSts(Optional.of(policy), Optional.empty(), "mx.sts.example"))
        .isEqualTo(new CertificateCheck(Check.MTA_STS, "policy enforce for sts.example (id sts1),"
            + " mx mx.sts.example lists mx.sts.example, secure, trusted chain, name mx.sts.example"));
  }

  @Test
  void underMtaSts_pluginStsAnswer_namedMtaSts_otherwiseUnchanged() {
    ExternalPolicy sts = new ExternalPolicy("sts", Optional.of("sts.example"), List.of(),
        List.of("*.sts.example"), Optional.empty());
    ExternalPolicy none = new ExternalPolicy("no-policy-found", Optional.empty(), List.of(),
        List.of(), Optional.empty());

    assertThat(PKIX.underMtaSts(Optional.empty(), Optional.of(sts), "mx.sts.example").detail())
        .isEqualTo("policy plugin for sts.example, mx_host_pattern *.sts.example, secure,"
            + " trusted chain, name mx.sts.example");
    assertThat(PKIX.underMtaSts(Optional.empty(), Optional.of(none), "mx")).isEqualTo(PKIX);
    assertThat(PKIX.underMtaSts(Optional.empty(), Optional.empty(), "mx")).isEqualTo(PKIX);
    assertThat(CertificateCheck.NO_TLS.underMtaSts(Optional.empty(), Optional.of(sts), "mx"))
        .isEqualTo(CertificateCheck.NO_TLS);
  }
}
