package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.postern.tlsrpt.ReportSchema;

/**
 * SMTP TLS Reporting (RFC 8460) end to end with {@code postern_tlsrpt_enable = yes}: rpt.test
 * publishes an MTA-STS {@code enforce} policy (nginx on 127.0.74.10:443) listing its two MX hosts,
 * the preferred one (127.0.74.12) without STARTTLS and the other (127.0.74.11) with a certificate
 * from the test CA, and {@code _smtp._tls.rpt.test} asks for reports by mail to
 * tlsrpt@reports.test, whose MX (127.0.74.14, aiosmtpd) records what arrives. One message to
 * rpt.test makes one failed and one successful session; {@code postern tlsrpt-report -d today}
 * must then mail a report that says so. {@link MtaStsWorld} sets it up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsRptIT {
  @TempDir static Path dir;
  private static MtaStsWorld world;
  private static AiosmtpdPeer reports;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    world = MtaStsWorld.start(dir, "127.0.74.10",
        Map.of("rpt.test", MtaStsWorld.policy("enforce", "*.rpt.test")), List.of(
            "rpt.test. 300 IN MX 10 mx2.rpt.test.",
            "rpt.test. 300 IN MX 20 mx1.rpt.test.",
            "mx1.rpt.test. 300 IN A 127.0.74.11",
            "mx2.rpt.test. 300 IN A 127.0.74.12",
            "_smtp._tls.rpt.test. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test\"",
            "reports.test. 300 IN MX 10 mx.reports.test.",
            "mx.reports.test. 300 IN A 127.0.74.14"));
    world.startTlsPeer("127.0.74.11", "mx1.rpt.test");
    world.startPeer("127.0.74.12");
    reports = world.startPeer("127.0.74.14");
    postern = world.postern(
        "mydomain = client.test",
        "postern_tlsrpt_enable = yes",
        "postern_tlsrpt_organization_name = Client Test Org");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  @Order(1)
  void deliver_preferredMxWithoutTls_skippedAndBothSessionsJournaled() throws Exception {
    String id = world.send("rpt.test", "tlsrpt rpt.test");

    String line = world.statusLine(id, "rpt.test");

    assertThat(line).contains("relay=mx1.rpt.test[127.0.74.11]:25").contains("status=sent")
        .contains("tls=secure");
    Path journal = dir.resolve("postern/lib/tlsrpt")
        .resolve(LocalDate.now(ZoneOffset.UTC) + ".journal");
    assertThat(Files.readAllLines(journal)).hasSize(2)
        .anyMatch(l -> l.contains("\tstarttls-not-supported\tmx2.rpt.test\t127.0.74.12\t"))
        .anyMatch(l -> l.contains("\tsuccess\tmx1.rpt.test\t127.0.74.11\t"));
  }

  @Test
  @Order(2)
  void tlsrptReportDryRun_printsJsonWithoutSending() throws Exception {
    PosternInstance.Result r = postern.command("postern", "tlsrpt-report", "-d", "today", "-n");

    assertThat(r.status()).as(r.err()).isZero();
    assertCounts(r.out());
    assertThat(reports.messages()).isEmpty();
  }

  @Test
  @Order(3)
  void tlsrptReport_mailsGzipJsonReportToRua() throws Exception {
    PosternInstance.Result r = postern.command("postern", "tlsrpt-report", "-d", "today");

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("rpt.test: report " + LocalDate.now(ZoneOffset.UTC)
        + "_rpt.test@client.test sent to mailto:tlsrpt@reports.test");
    AiosmtpdPeer.Message m = reports.awaitMessages(1, MtaStsWorld.LIMIT).getFirst();
    assertThat(m.recipients()).containsExactly("tlsrpt@reports.test");
    String text = m.text().replace("\r\n", "\n");
    String header = text.split("\n\n", 2)[0];
    assertThat(header).contains("TLS-Report-Domain: rpt.test\n")
        .contains("TLS-Report-Submitter: client.test\n")
        .contains("Subject: Report Domain: rpt.test Submitter: client.test Report-ID: <"
            + LocalDate.now(ZoneOffset.UTC) + "_rpt.test@client.test>")
        .contains("Content-Type: multipart/report; report-type=\"tlsrpt\";");
    Matcher attachment = Pattern.compile("Content-Type: application/tlsrpt\\+gzip; "
        + "name=\"(client\\.test!rpt\\.test![0-9]+![0-9]+\\.json\\.gz)\"\n"
        + "Content-Disposition: attachment; filename=\"\\1\"\n"
        + "Content-Transfer-Encoding: base64\n\n([A-Za-z0-9+/=\n]+)\n").matcher(text);
    assertThat(attachment.find()).as(text).isTrue();
    byte[] gz = Base64.getMimeDecoder().decode(attachment.group(2));
    String json = new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(),
        StandardCharsets.UTF_8);
    assertCounts(json);
  }

  private static void assertCounts(String json) {
    assertThat(ReportSchema.violations(json)).as(json).isEmpty();
    assertThat(json).contains("\"organization-name\": \"Client Test Org\"")
        .contains("\"contact-info\": \"postmaster@client.test\"")
        .contains("\"policy-type\": \"sts\"")
        .contains("\"policy-domain\": \"rpt.test\"")
        .contains("\"mode: enforce\"")
        .contains("\"total-successful-session-count\": 1")
        .contains("\"total-failure-session-count\": 1")
        .contains("\"result-type\": \"starttls-not-supported\"")
        .contains("\"receiving-mx-hostname\": \"mx2.rpt.test\"")
        .contains("\"receiving-ip\": \"127.0.74.12\"")
        .contains("\"failed-session-count\": 1")
        .contains("\"start-datetime\": \"" + LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z\"");
  }
}
