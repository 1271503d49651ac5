package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsReportTest {
  static final ReportSettings SETTINGS = new ReportSettings("Example Sender",
      "postmaster@sender.test", "sender.test", "postmaster@sender.test");
  static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");
  static final AppliedPolicy STS = new AppliedPolicy(PolicyType.STS, "example.com",
      List.of("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400"),
      List.of("*.example.com"));

  @Test
  void of_successesAndFailures_exactJson() {
    List<SessionRecord> records = List.of(
        SessionRecord.success(NOON, STS, "mx1.example.com", "192.0.2.1"),
        SessionRecord.success(NOON.plusSeconds(60), STS, "mx1.example.com", "192.0.2.1"),
        SessionRecord.failure(NOON, STS, ResultType.STARTTLS_NOT_SUPPORTED, "mx2.example.com",
            "192.0.2.2", "STARTTLS not offered").withConnection("198.51.100.7", "mx2.example.net"));

    List<TlsReport> reports = TlsReport.of(DAY, records, SETTINGS);

    assertThat(reports).singleElement().extracting(TlsReport::json).isEqualTo("""
        {
          "organization-name": "Example Sender",
          "date-range": {
            "start-datetime": "2026-11-23T00:00:00Z",
            "end-datetime": "2026-11-23T23:59:59Z"
          },
          "contact-info": "postmaster@sender.test",
          "report-id": "2026-11-23_example.com@sender.test",
          "policies": [
            {
              "policy": {
                "policy-type": "sts",
                "policy-string": [
                  "version: STSv1",
                  "mode: enforce",
                  "mx: *.example.com",
                  "max_age: 86400"
                ],
                "policy-domain": "example.com",
                "mx-host": [
                  "*.example.com"
                ]
              },
              "summary": {
                "total-successful-session-count": 2,
                "total-failure-session-count": 1
              },
              "failure-details": [
                {
                  "result-type": "starttls-not-supported",
                  "sending-mta-ip": "198.51.100.7",
                  "receiving-mx-hostname": "mx2.example.com",
                  "receiving-mx-helo": "mx2.example.net",
                  "receiving-ip": "192.0.2.2",
                  "failed-session-count": 1,
                  "failure-reason-code": "STARTTLS not offered"
                }
              ]
            }
          ]
        }
        """);
  }

  @Test
  void json_noPolicyFound_policyDomainIsTheReportDomainWithoutStringsOrMxHosts() {
    AppliedPolicy none =
        new AppliedPolicy(PolicyType.NO_POLICY_FOUND, "example.net", List.of(), List.of());
    List<SessionRecord> records =
        List.of(SessionRecord.success(NOON, none, "mx.example.net", "192.0.2.3"));

    List<TlsReport> reports = TlsReport.of(DAY, records, SETTINGS);

    assertThat(reports).singleElement().satisfies(r -> {
      assertThat(r.domain()).isEqualTo("example.net");
      assertThat(r.json().replaceAll("\\s", "")).contains("\"policy\":{"
          + "\"policy-type\":\"no-policy-found\",\"policy-domain\":\"example.net\"},"
          + "\"summary\":{\"total-successful-session-count\":1,"
          + "\"total-failure-session-count\":0}");
    });
  }

  @Test
  void of_severalDomainsAndPolicies_oneReportPerDomainOnePolicyEntryEach() {
    AppliedPolicy tlsa = new AppliedPolicy(PolicyType.TLSA, "example.net",
        List.of("3 1 1 00ff"), List.of("mx.example.net"));
    List<SessionRecord> records = List.of(
        SessionRecord.failure(NOON, tlsa, ResultType.TLSA_INVALID, "mx.example.net", "192.0.2.9",
            ""),
        SessionRecord.failure(NOON, tlsa, ResultType.TLSA_INVALID, "mx.example.net", "192.0.2.9",
            ""),
        SessionRecord.success(NOON, STS, "mx1.example.com", "192.0.2.1"));

    List<TlsReport> reports = TlsReport.of(DAY, records, SETTINGS);

    assertThat(reports).extracting(TlsReport::domain).containsExactly("example.com",
        "example.net");
    String net = reports.get(1).json();
    assertThat(net).contains("\"policy-type\": \"tlsa\"")
        .contains("\"total-successful-session-count\": 0")
        .contains("\"total-failure-session-count\": 2")
        .contains("\"failed-session-count\": 2")
        .doesNotContain("failure-reason-code");
    assertThat(reports.get(0).json()).doesNotContain("failure-details");
  }

  @Test
  void of_recordsOfAnotherDay_left_out() {
    List<SessionRecord> records = List.of(
        SessionRecord.success(Instant.parse("2026-11-22T23:59:59Z"), STS, "mx", "192.0.2.1"),
        SessionRecord.success(Instant.parse("2026-11-24T00:00:00Z"), STS, "mx", "192.0.2.1"));

    assertThat(TlsReport.of(DAY, records, SETTINGS)).isEmpty();
  }

  @Test
  void reportId_sameDayTwice_sameIdAndJson() {
    List<SessionRecord> records = List.of(SessionRecord.success(NOON, STS, "mx", "192.0.2.1"));

    TlsReport first = TlsReport.of(DAY, records, SETTINGS).getFirst();
    TlsReport second = TlsReport.of(DAY, records, SETTINGS).getFirst();

    assertThat(first.reportId()).isEqualTo(second.reportId())
        .isEqualTo("2026-11-23_example.com@sender.test");
    assertThat(first.json()).isEqualTo(second.json());
    assertThat(first.start()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(first.end()).isEqualTo(Instant.parse("2026-11-23T23:59:59Z"));
  }

  @Test
  void json_quotesAndControlCharacters_escaped() {
    ReportSettings odd = new ReportSettings("A \"quoted\"\\ name\n", "c", "s.test", "p@s.test");

    String json = TlsReport.of(DAY, List.of(SessionRecord.success(NOON, STS, "mx", "")), odd)
        .getFirst().json();

    assertThat(json).contains("\"organization-name\": \"A \\\"quoted\\\"\\\\ name\\n\"");
  }
}
