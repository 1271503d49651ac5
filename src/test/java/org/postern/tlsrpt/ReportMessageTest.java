package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ReportMessageTest {
  private static final TlsReport REPORT = TlsReport.of(TlsReportTest.DAY,
      List.of(SessionRecord.success(TlsReportTest.NOON, TlsReportTest.STS, "mx", "192.0.2.1")),
      TlsReportTest.SETTINGS).getFirst();

  private static String message() throws Exception {
    return new String(ReportMessage.build(REPORT, TlsReportTest.SETTINGS, "tlsrpt@example.com",
        Instant.parse("2026-11-24T00:05:00Z")), StandardCharsets.US_ASCII);
  }

  @Test
  void build_headers_rfc8460Shape() throws Exception {
    String header = message().split("\n\n", 2)[0];

    assertThat(header.lines().toList()).contains(
        "From: <postmaster@sender.test>",
        "To: <tlsrpt@example.com>",
        "Date: Tue, 24 Nov 2026 00:05:00 GMT",
        "Subject: Report Domain: example.com Submitter: sender.test "
            + "Report-ID: <2026-11-23_example.com@sender.test>",
        "TLS-Report-Domain: example.com",
        "TLS-Report-Submitter: sender.test",
        "TLS-Required: No",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=\"tlsrpt\";");
    assertThat(header).containsPattern("\n\tboundary=\"=_tlsrpt_[^\"]+\"$");
  }

  @Test
  void build_attachment_gzipJsonNamedByRfc8460() throws Exception {
    String m = message();
    String name = "sender.test!example.com!1795392000!1795478399.json.gz";
    assertThat(ReportMessage.fileName(REPORT, TlsReportTest.SETTINGS)).isEqualTo(name);
    assertThat(m).contains("Content-Type: application/tlsrpt+gzip; name=\"" + name + "\"\n"
        + "Content-Disposition: attachment; filename=\"" + name + "\"\n"
        + "Content-Transfer-Encoding: base64\n\n");
    String boundary = m.replaceAll("(?s).*boundary=\"([^\"]+)\".*", "$1");
    String[] parts = m.split("\n--" + java.util.regex.Pattern.quote(boundary));
    assertThat(parts).hasSize(4);
    assertThat(parts[3]).isEqualTo("--\n");
    String base64 = parts[2].split("\n\n", 2)[1].strip();
    assertThat(base64.lines()).allMatch(l -> l.length() <= 76);

    byte[] gz = Base64.getMimeDecoder().decode(base64);
    String json = new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(),
        StandardCharsets.UTF_8);

    assertThat(json).isEqualTo(REPORT.json());
  }
}
