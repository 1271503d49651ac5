package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS (RFC 8461) end to end with {@code postern_mta_sts_enable = yes}: a test unbound serves
 * the {@code _mta-sts} TXT records, MX records and addresses; Debian's nginx serves each domain's
 * {@code /.well-known/mta-sts.txt} over HTTPS on 127.0.72.10:443 with a certificate for {@code
 * mta-sts.<domain>} from the test CA (trusted through {@code smtp_tls_CAfile}); aiosmtpd peers on
 * 127.0.72.11 (certificate for mx1.sts.test), .12 (certificate for rogue.sts.test, a name no
 * enforced policy lists) and .13 (no TLS) are the MX hosts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaStsIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String NGINX = "127.0.72.10";
  /** Domain, then its policy file (null: none served, so a 404). */
  private static final Map<String, String> POLICIES = Map.of(
      "enforce.test", policy("enforce", "*.sts.test"),
      "badmx.test", policy("enforce", "mx1.sts.test"),
      "onlyrogue.test", policy("enforce", "mx1.sts.test"),
      "nocert.test", policy("enforce", "mx.nocert.test"),
      "testing.test", policy("testing", "mx1.sts.test"),
      "restart.test", policy("enforce", "mx1.sts.test"),
      "down.test", policy("enforce", "nowhere.sts.test"));

  @TempDir static Path dir;
  private static Unbound unbound;
  private static Nginx nginx;
  private static AiosmtpdPeer mx1;
  private static AiosmtpdPeer rogue;
  private static AiosmtpdPeer plain;
  private static PosternInstance postern;

  private static String policy(String mode, String mx) {
    return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
  }

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<String> records = new ArrayList<>(List.of(
        "mx1.sts.test. 300 IN A 127.0.72.11",
        "rogue.sts.test. 300 IN A 127.0.72.12",
        "enforce.test. 300 IN MX 10 mx1.sts.test.",
        "badmx.test. 300 IN MX 10 rogue.sts.test.",
        "badmx.test. 300 IN MX 20 mx1.sts.test.",
        "onlyrogue.test. 300 IN MX 10 rogue.sts.test.",
        "restart.test. 300 IN MX 10 mx1.sts.test.",
        "nofile.test. 300 IN MX 10 mx.plain.test.",
        "nocert.test. 300 IN MX 10 mx.nocert.test.",
        "mx.nocert.test. 300 IN A 127.0.72.13",
        "testing.test. 300 IN MX 10 mx.plain.test.",
        "down.test. 300 IN MX 10 mx.plain.test.",
        "mx.plain.test. 300 IN A 127.0.72.13"));
    List<Nginx.Site> sites = new ArrayList<>();
    List<String> domains = new ArrayList<>(POLICIES.keySet());
    domains.add("nofile.test");
    for (String domain : domains) {
      records.add("_mta-sts." + domain + ". 300 IN TXT \"v=STSv1; id=" + domain.split("\\.")[0]
          + "1;\"");
      records.add("mta-sts." + domain + ". 300 IN A " + NGINX);
      Path root = Files.createDirectories(dir.resolve("www").resolve(domain));
      if (POLICIES.containsKey(domain)) {
        Files.createDirectories(root.resolve(".well-known"));
        Files.writeString(root.resolve(".well-known/mta-sts.txt"), POLICIES.get(domain));
      }
      sites.add(new Nginx.Site("mta-sts." + domain, pki.server("mta-sts." + domain), root));
    }
    unbound = startUnbound(records);
    nginx = Nginx.start(dir.resolve("nginx"), NGINX, sites);
    List<Path> mx1Cert = pki.server("mx1.sts.test");
    List<Path> rogueCert = pki.server("rogue.sts.test");
    mx1 = AiosmtpdPeer.start(dir, "127.0.72.11", 25, "--tls", mx1Cert.get(0).toString(),
        mx1Cert.get(1).toString());
    rogue = AiosmtpdPeer.start(dir, "127.0.72.12", 25, "--tls", rogueCert.get(0).toString(),
        rogueCert.get(1).toString());
    plain = AiosmtpdPeer.start(dir, "127.0.72.13", 25);
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = client.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "defer_transports =",
        "smtp_tls_security_level = may",
        "smtp_tls_CAfile = " + pki.caCert(),
        "postern_dns_resolver_address = " + unbound.address(),
        "postern_mta_sts_enable = yes",
        "postern_mta_sts_fetch_timeout = 10s",
        ""));
    postern.startAndAwaitSmtp();
  }

  /** TXT data needs quotes inside local-data, so the records are single-quoted here. */
  private static Unbound startUnbound(List<String> records) throws Exception {
    Path udir = Files.createDirectories(dir.resolve("unbound"));
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(Unbound.server(udir, port, "iterator"));
    conf.add("  local-zone: \"test.\" static");
    for (String r : records) {
      conf.add("  local-data: '" + r + "'");
    }
    return Unbound.launch(udir, port, conf);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {mx1, rogue, plain, nginx, unbound}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  private static String deliver(String domain) throws Exception {
    String id = Submit.swaks(postern, "sender@client.test", "someone@" + domain,
        "--header", "Subject: mta-sts " + domain);
    return id;
  }

  private static String statusLine(String id, String domain) throws Exception {
    return postern.awaitLog(Pattern.compile("(" + id + ": to=<someone@"
        + Pattern.quote(domain) + ">, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
  }

  @Test
  @Order(1)
  void enforce_matchingMxWithValidCertificate_deliveredOverVerifiedTls() throws Exception {
    String id = deliver("enforce.test");

    String line = statusLine(id, "enforce.test");
    assertThat(line).contains("relay=mx1.sts.test[127.0.72.11]:25").contains("status=sent")
        .contains("tls=secure");
    assertThat(postern.logLines(Pattern.compile(id
        + ": MTA-STS policy enforce for enforce\\.test \\(id enforce1\\), mx: \\*\\.sts\\.test")))
        .hasSize(1);
    assertThat(mx1.awaitMessages(1, LIMIT).stream()
        .filter(m -> m.text().contains("Subject: mta-sts enforce.test")))
        .singleElement().matches(AiosmtpdPeer.Message::tls, "over TLS");
  }

  @Test
  @Order(2)
  void enforce_mxNotInPolicy_skippedForTheListedOne() throws Exception {
    int before = rogue.connectionCount();
    String id = deliver("badmx.test");

    String line = statusLine(id, "badmx.test");
    assertThat(line).contains("relay=mx1.sts.test[127.0.72.11]:25").contains("status=sent");
    assertThat(rogue.connectionCount()).as("connections to the unlisted MX").isEqualTo(before);
  }

  @Test
  @Order(3)
  void enforce_onlyUnlistedMx_deferredWithoutConnecting() throws Exception {
    int before = rogue.connectionCount();
    String id = deliver("onlyrogue.test");

    String line = statusLine(id, "onlyrogue.test");
    assertThat(line).contains("status=deferred").contains("dsn=4.7.5")
        .contains("MX host rogue.sts.test is not listed in the MTA-STS policy enforce for "
            + "onlyrogue.test (id onlyrogue1)");
    assertThat(rogue.connectionCount()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void enforce_listedMxWithoutTls_deferred() throws Exception {
    String id = deliver("nocert.test");

    String line = statusLine(id, "nocert.test");
    assertThat(line).contains("status=deferred").contains("TLS is required")
        .contains("relay=mx.nocert.test[127.0.72.13]:25");
    assertThat(plain.messages()).noneMatch(m -> m.text().contains("mta-sts nocert.test"));
  }

  @Test
  @Order(5)
  void testing_deliveredAsWithoutMtaSts_refusalLogged() throws Exception {
    String id = deliver("testing.test");

    String line = statusLine(id, "testing.test");
    assertThat(line).contains("relay=mx.plain.test[127.0.72.13]:25").contains("status=sent");
    assertThat(postern.logLines(Pattern.compile(id + ": MTA-STS policy testing for testing\\.test "
        + "\\(id testing1\\): enforce would have refused: MX host mx\\.plain\\.test is not "
        + "listed in the policy"))).hasSize(1);
  }

  @Test
  @Order(6)
  void fetch404_noCachedPolicy_normalDeliveryAndWarning() throws Exception {
    String id = deliver("nofile.test");

    String line = statusLine(id, "nofile.test");
    assertThat(line).contains("relay=mx.plain.test[127.0.72.13]:25").contains("status=sent");
    assertThat(postern.logLines(Pattern.compile("warning: MTA-STS policy fetch for nofile\\.test "
        + "\\(id nofile1\\) failed: https://mta-sts\\.nofile\\.test/\\.well-known/mta-sts\\.txt: "
        + "HTTP status 404"))).isNotEmpty();
    assertThat(postern.logLines(Pattern.compile(id + ": MTA-STS policy"))).isEmpty();
  }

  @Test
  @Order(7)
  void cachedPolicy_survivesRestartWithPolicyHostDown_fetchFailureWithoutCacheDelivers()
      throws Exception {
    String first = deliver("restart.test");
    assertThat(statusLine(first, "restart.test")).contains("status=sent").contains("tls=secure");
    Path cached = dir.resolve("postern/lib/mta-sts/restart.test");
    assertThat(cached).exists();
    assertThat(Files.readString(cached)).contains("id: restart1").contains("mode: enforce");

    postern.stop();
    nginx.close();
    postern.startAndAwaitSmtp();
    String second = deliver("restart.test");

    assertThat(statusLine(second, "restart.test")).contains("status=sent").contains("tls=secure")
        .contains("relay=mx1.sts.test[127.0.72.11]:25");
    assertThat(postern.logLines(Pattern.compile(second
        + ": MTA-STS policy enforce for restart\\.test \\(id restart1\\)"))).hasSize(1);

    String down = deliver("down.test");
    assertThat(statusLine(down, "down.test")).contains("status=sent")
        .contains("relay=mx.plain.test[127.0.72.13]:25");
    assertThat(postern.logLines(Pattern.compile(
        "warning: MTA-STS policy fetch for down\\.test \\(id down1\\) failed: "))).isNotEmpty();
  }
}
