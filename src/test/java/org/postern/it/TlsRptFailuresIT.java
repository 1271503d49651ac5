package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import org.postern.tlsrpt.Journal;
import org.postern.tlsrpt.ReportSchema;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;

/**
 * TLS reporting of what goes wrong, against real peers on 127.0.101.x: nginx (127.0.101.10)
 * serving MTA-STS policies, aiosmtpd MX hosts, a second nginx (127.0.101.30) taking HTTPS reports.
 *
 * <ul>
 *   <li>certs.test: an MTA-STS {@code enforce} policy and three MX hosts whose certificates fail
 *       in three ways: expired (mx1, 127.0.101.11), from a CA Postern does not trust (mx2,
 *       127.0.101.12), trusted but for another name (mx3, 127.0.101.13). Reports by HTTPS to an
 *       endpoint that answers 503.
 *   <li>fetch.test announces a policy nginx does not serve (404), bad.test serves one without
 *       {@code mx}, webpki.test's policy host name is not on nginx's certificate: their MX
 *       (127.0.101.15, no STARTTLS) gets the mail, and each session counts as the policy failure.
 *       fetch.test takes reports by HTTPS (204), bad.test by mail (MX 127.0.101.31).
 * </ul>
 *
 * Each report must pass the RFC 8460 JSON schema ({@link ReportSchema}). Reporting a finished
 * day leaves in its journal only the domain whose report could not be POSTed, after the POST was
 * tried twice; the next run sends that domain's report again, and only that one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsRptFailuresIT {
  private static final String NGINX = "127.0.101.10";
  private static final String REPORTS = "127.0.101.30";

  @TempDir static Path dir;
  private static MtaStsWorld world;
  private static Nginx reportHost;
  private static AiosmtpdPeer reportMx;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    world = MtaStsWorld.start(dir, NGINX, Map.of(
        "certs.test", MtaStsWorld.policy("enforce", "*.certs.test"),
        "fetch.test", MtaStsWorld.NOT_SERVED,
        "bad.test", "version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\n"), List.of(
            "certs.test. 300 IN MX 10 mx1.certs.test.",
            "certs.test. 300 IN MX 20 mx2.certs.test.",
            "certs.test. 300 IN MX 30 mx3.certs.test.",
            "mx1.certs.test. 300 IN A 127.0.101.11",
            "mx2.certs.test. 300 IN A 127.0.101.12",
            "mx3.certs.test. 300 IN A 127.0.101.13",
            "_smtp._tls.certs.test. 300 IN TXT \"v=TLSRPTv1; rua=https://reports.test/fail\"",
            "fetch.test. 300 IN MX 10 mx.fetch.test.",
            "mx.fetch.test. 300 IN A 127.0.101.15",
            "_smtp._tls.fetch.test. 300 IN TXT \"v=TLSRPTv1; rua=https://reports.test/ok\"",
            "bad.test. 300 IN MX 10 mx.bad.test.",
            "mx.bad.test. 300 IN A 127.0.101.15",
            "_smtp._tls.bad.test. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test\"",
            "_mta-sts.webpki.test. 300 IN TXT \"v=STSv1; id=w1;\"",
            "mta-sts.webpki.test. 300 IN A " + NGINX,
            "webpki.test. 300 IN MX 10 mx.webpki.test.",
            "mx.webpki.test. 300 IN A 127.0.101.15",
            "reports.test. 300 IN A " + REPORTS,
            "reports.test. 300 IN MX 10 mx.reports.test.",
            "mx.reports.test. 300 IN A 127.0.101.31"));
    world.startTlsPeer("127.0.101.11", world.pki().expired("mx1.certs.test"));
    world.startTlsPeer("127.0.101.12",
        TestPki.create(dir.resolve("other-ca")).server("mx2.certs.test"));
    world.startTlsPeer("127.0.101.13", world.pki().server("wrong.certs.test"));
    world.startPeer("127.0.101.15");
    reportMx = world.startPeer("127.0.101.31");
    reportHost = world.startNginx(REPORTS, List.of(new Nginx.Site("reports.test",
        world.pki().server("reports.test"), Files.createDirectories(dir.resolve("reports-www")),
        List.of("location = /ok { return 204; }", "location = /fail { return 503; }"))));
    postern = world.postern(
        "mydomain = client.test",
        "smtp_mx_session_limit = 3",
        "postern_tlsrpt_enable = yes",
        "postern_tlsrpt_post_attempts = 2",
        "postern_tlsrpt_post_retry_delay = 1s");
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
  void deliver_certificatesFailingUnderEnforce_eachFailureKindJournaled() throws Exception {
    String id = world.send("certs.test", "three bad certificates");

    assertThat(world.statusLine(id, "certs.test")).contains("status=deferred");
    List<SessionRecord> certs = today("certs.test");
    assertThat(certs).extracting(SessionRecord::receivingMx, r -> r.failure().orElseThrow())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mx1.certs.test",
                ResultType.CERTIFICATE_EXPIRED),
            org.assertj.core.groups.Tuple.tuple("mx2.certs.test",
                ResultType.CERTIFICATE_NOT_TRUSTED),
            org.assertj.core.groups.Tuple.tuple("mx3.certs.test",
                ResultType.CERTIFICATE_HOST_MISMATCH));
    assertThat(certs).allSatisfy(r -> {
      assertThat(r.receivingIp()).startsWith("127.0.101.");
      assertThat(r.sendingIp()).matches("127\\.[0-9.]+");
      assertThat(r.receivingHelo()).isNotEmpty();
    });
  }

  @Test
  @Order(2)
  void deliver_policyNotHad_deliveredAndCountedAsThePolicyFailure() throws Exception {
    for (String domain : List.of("fetch.test", "bad.test", "webpki.test")) {
      String id = world.send(domain, "no policy for " + domain);
      assertThat(world.statusLine(id, domain)).contains("status=sent");
    }

    assertThat(today("fetch.test")).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.STS_POLICY_FETCH_ERROR);
      assertThat(r.reason()).contains("HTTP status 404");
      assertThat(r.receivingMx()).isEqualTo("mx.fetch.test");
    });
    assertThat(today("bad.test")).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.STS_POLICY_INVALID);
      assertThat(r.reason()).contains("no mx field");
    });
    assertThat(today("webpki.test")).singleElement().extracting(r -> r.failure().orElseThrow())
        .isEqualTo(ResultType.STS_WEBPKI_INVALID);
  }

  @Test
  @Order(3)
  void tlsrptReportDryRun_everyReportPassesTheRfc8460Schema() throws Exception {
    PosternInstance.Result r = postern.command("postern", "tlsrpt-report", "-d", "today", "-n");

    assertThat(r.status()).as(r.err()).isZero();
    List<String> reports = split(r.out());
    assertThat(reports).hasSize(4);
    reports.forEach(json -> assertThat(ReportSchema.violations(json)).as(json).isEmpty());
    String certs = reports.stream().filter(j -> j.contains("\"policy-domain\": \"certs.test\""))
        .findFirst().orElseThrow();
    assertThat(certs).contains("\"total-failure-session-count\": 3")
        .contains("\"result-type\": \"certificate-expired\"")
        .contains("\"result-type\": \"certificate-not-trusted\"")
        .contains("\"result-type\": \"certificate-host-mismatch\"")
        .contains("\"sending-mta-ip\": \"127.").contains("\"receiving-mx-helo\": \"");
    assertThat(reports).anySatisfy(j -> assertThat(j)
        .contains("\"policy-domain\": \"webpki.test\"").contains("\"policy-type\": \"sts\"")
        .contains("\"result-type\": \"sts-webpki-invalid\"").doesNotContain("policy-string"));
  }

  @Test
  @Order(4)
  void tlsrptReport_finishedDay_sentReportsSettledFailedPostRetriedAndKept() throws Exception {
    LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    Path journals = dir.resolve("postern/lib/tlsrpt");
    try (Journal j = new Journal(journals, w -> { })) {
      for (SessionRecord r : Journal.read(journals, yesterday.plusDays(1)).records()) {
        j.record(new SessionRecord(r.time().minusSeconds(86400), r.policy(), r.failure(),
            r.receivingMx(), r.receivingIp(), r.reason(), r.sendingIp(), r.receivingHelo()));
      }
    }

    PosternInstance.Result r = postern.command("postern", "tlsrpt-report");

    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(75);
    assertThat(r.err()).contains("certs.test: report " + yesterday
        + "_certs.test@client.test to https://reports.test/fail: https://reports.test/fail: "
        + "HTTP status 503; trying again in 1s")
        .contains("HTTP status 503 (2 attempts)");
    assertThat(r.out()).contains("fetch.test: report " + yesterday
        + "_fetch.test@client.test sent to https://reports.test/ok");
    assertThat(reportHost.requests()).filteredOn(l -> l.contains("\"POST /fail ")).hasSize(2);
    assertThat(reportHost.requests()).filteredOn(l -> l.contains("\"POST /ok ")).hasSize(1);
    assertThat(Journal.read(journals, yesterday).records()).isNotEmpty()
        .allSatisfy(kept -> assertThat(kept.policy().domain()).isEqualTo("certs.test"));
    AiosmtpdPeer.Message m = reportMx.awaitMessages(1, MtaStsWorld.LIMIT).getFirst();
    assertThat(ReportSchema.violations(attachedJson(m))).isEmpty();
    assertThat(attachedJson(m)).contains("\"result-type\": \"sts-policy-invalid\"");

    PosternInstance.Result again = postern.command("postern", "tlsrpt-report");

    assertThat(again.status()).as(again.out() + again.err()).isEqualTo(75);
    assertThat(again.err()).contains("certs.test: report " + yesterday);
    assertThat(again.out() + again.err()).doesNotContain("fetch.test").doesNotContain("bad.test");
    assertThat(reportHost.requests()).filteredOn(l -> l.contains("\"POST /fail ")).hasSize(4);
  }

  private static List<SessionRecord> today(String domain) throws Exception {
    return Journal.read(dir.resolve("postern/lib/tlsrpt"), LocalDate.now(ZoneOffset.UTC))
        .records().stream().filter(r -> r.policy().domain().equals(domain)).toList();
  }

  /** The reports of a dry run: each a JSON object starting and ending at the line's start. */
  private static List<String> split(String out) {
    List<String> reports = new ArrayList<>();
    for (String part : out.split("(?<=\n)\\}\n")) {
      if (!part.isBlank()) {
        reports.add(part + "}\n");
      }
    }
    return reports;
  }

  private static String attachedJson(AiosmtpdPeer.Message m) throws Exception {
    Matcher attachment = Pattern.compile("Content-Transfer-Encoding: base64\n\n"
        + "([A-Za-z0-9+/=\n]+)\n").matcher(m.text().replace("\r\n", "\n"));
    assertThat(attachment.find()).as(m.text()).isTrue();
    byte[] gz = Base64.getMimeDecoder().decode(attachment.group(1));
    return new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(),
        StandardCharsets.UTF_8);
  }
}
