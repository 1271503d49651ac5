package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Postern's reports against the RFC 8460 JSON schema: every policy type and result type, with
 * and without the optional fields; and the schema itself, which must refuse what breaks the RFC.
 */
class ReportSchemaTest {
  private static final Instant NOON = TlsReportTest.NOON;

  @Test
  void json_everyPolicyAndResultType_validAgainstTheSchema() {
    AppliedPolicy tlsa = new AppliedPolicy(PolicyType.TLSA, "example.com",
        List.of("3 1 1 0123456789ABCDEF"), List.of("mx1.example.com"));
    AppliedPolicy undiscovered =
        new AppliedPolicy(PolicyType.STS, "example.com", List.of(), List.of());
    AppliedPolicy none =
        new AppliedPolicy(PolicyType.NO_POLICY_FOUND, "example.com", List.of(), List.of());
    List<SessionRecord> records = new ArrayList<>();
    records.add(SessionRecord.success(NOON, TlsReportTest.STS, "mx1.example.com", "192.0.2.1"));
    records.add(SessionRecord.success(NOON, none, "mx1.example.com", "192.0.2.1"));
    for (ResultType t : ResultType.values()) {
      AppliedPolicy p = t.spelling().startsWith("sts-") ? undiscovered
          : t == ResultType.TLSA_INVALID || t == ResultType.DANE_REQUIRED ? tlsa
          : TlsReportTest.STS;
      records.add(SessionRecord.failure(NOON, p, t, "mx2.example.com", "2001:db8::2",
          "reason " + t.spelling()).withConnection("192.0.2.99", "mx2.example.net"));
      records.add(SessionRecord.failure(NOON, p, t, "", "", ""));
    }

    List<TlsReport> reports = TlsReport.of(TlsReportTest.DAY, records, TlsReportTest.SETTINGS);

    assertThat(reports).singleElement().satisfies(r -> {
      assertThat(ReportSchema.violations(r.json())).as(r.json()).isEmpty();
      assertThat(r.json()).contains("\"policy-type\": \"no-policy-found\"")
          .contains("\"policy-type\": \"tlsa\"").contains("\"sts-webpki-invalid\"");
    });
  }

  @Test
  void violations_brokenReports_found() {
    String good = TlsReport.of(TlsReportTest.DAY, List.of(SessionRecord.failure(NOON,
        TlsReportTest.STS, ResultType.CERTIFICATE_EXPIRED, "mx.example.com", "192.0.2.1",
        "expired")), TlsReportTest.SETTINGS).getFirst().json();
    assertThat(ReportSchema.violations(good)).isEmpty();

    assertThat(ReportSchema.violations(good.replace("certificate-expired", "cert-expired")))
        .isNotEmpty();
    assertThat(ReportSchema.violations(good.replace("\"192.0.2.1\"", "\"mx.example.com\"")))
        .isNotEmpty();
    assertThat(ReportSchema.violations(good.replace("T00:00:00Z", " midnight"))).isNotEmpty();
    assertThat(ReportSchema.violations(good.replace("\"report-id\"", "\"report_id\"")))
        .isNotEmpty();
    assertThat(ReportSchema.violations(good.replace("\"failed-session-count\": 1",
        "\"failed-session-count\": 2"))).singleElement().asString()
        .contains("failure details count 2 sessions, the summary 1 failures");
    assertThat(ReportSchema.violations(good.replace("\"policy-type\": \"sts\"",
        "\"policy-type\": \"no-policy-found\""))).isNotEmpty();
  }
}
