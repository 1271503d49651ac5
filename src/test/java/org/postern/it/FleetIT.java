package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.metrics.PrometheusText;

/**
 * The fleet of issue 16: two Postern instances, a and b, each with its own configuration and
 * queue, that keep their domains, mailboxes and relay domains in one PostgreSQL database
 * ({@code pgsql:} tables, 127.0.109.1) and their address verification cache in one memcached
 * (127.0.109.2), behind one downstream relay (aiosmtpd, 127.0.109.3). A stranger (127.0.109.20,
 * not in mynetworks) gets the same replies from both, a mailbox added to the database is taken
 * by both at once, an address a verified is known to b without a probe of its own, and the
 * Prometheus text of each ({@code postern_metrics_listen}, 127.0.109.10 and .11) shows its own
 * deliveries.
 */
class FleetIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String DB = "127.0.109.1";
  private static final String MEMCACHED = "127.0.109.2";
  private static final String DOWNSTREAM = "127.0.109.3";
  private static final String METRICS_A = "127.0.109.10";
  private static final String METRICS_B = "127.0.109.11";
  private static final String STRANGER = "127.0.109.20";

  @TempDir static Path dir;
  private static PostgresServer pg;
  private static Memcached memcached;
  private static AiosmtpdPeer downstream;
  private static PosternInstance a;
  private static PosternInstance b;
  private static int metricsA;
  private static int metricsB;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.create(dir.resolve("db"), DB);
    pg.sql("postgres", "CREATE USER mail PASSWORD 'fleet'", "CREATE DATABASE maildb OWNER mail");
    pg.sql("maildb",
        "CREATE TABLE domain (name text, kind text)",
        "INSERT INTO domain VALUES ('fleet.test', 'virtual'), ('remote.test', 'relay')",
        "CREATE TABLE mailbox (address text PRIMARY KEY, maildir text)",
        "INSERT INTO mailbox VALUES ('alice@fleet.test', 'fleet.test/alice/')",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO mail");
    memcached = Memcached.start(dir, MEMCACHED, 11211);
    int downstreamPort = PosternInstance.freePort();
    downstream = AiosmtpdPeer.start(dir, DOWNSTREAM, downstreamPort, "--reject-rcpt", "bad",
        "--log-commands");
    Path verify = Files.writeString(dir.resolve("verify-memcache.cf"), String.join("\n",
        "memcache = " + memcached.endpoint(), "key_format = verify:%s", "ttl = 3600", ""));
    Path vmail = Files.createDirectories(dir.resolve("vmail"));
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(vmail, users.lookupPrincipalByName("nobody"));
    String shared = String.join("\n",
        "mydestination = localhost",
        "mynetworks = 127.0.0.1/32",
        "defer_transports =",
        "virtual_mailbox_domains = pgsql:" + cf("domains",
            "SELECT name FROM domain WHERE name='%s' AND kind='virtual'"),
        "virtual_mailbox_maps = pgsql:" + cf("mailboxes",
            "SELECT maildir FROM mailbox WHERE address='%s'"),
        "virtual_mailbox_base = " + vmail,
        "virtual_uid_maps = static:65534",
        "virtual_gid_maps = static:65534",
        "relay_domains = pgsql:" + cf("relay",
            "SELECT name FROM domain WHERE name='%s' AND kind='relay'"),
        "relay_recipient_maps =",
        "transport_maps = inline:{remote.test=smtp:[" + DOWNSTREAM + "]:" + downstreamPort + "}",
        "smtpd_recipient_restrictions = reject_unauth_destination,"
            + " check_recipient_access inline:{remote.test=reject_unverified_recipient}, permit",
        "address_verify_poll_count = 1",
        "address_verify_map = memcache:" + verify,
        "address_verify_cache_cleanup_interval = 0",
        "");
    metricsA = PosternInstance.freePort();
    metricsB = PosternInstance.freePort();
    a = instance("a", shared, METRICS_A + ":" + metricsA);
    b = instance("b", shared, METRICS_B + ":" + metricsB);
  }

  /** A pgsql_table(5) file as an operator writes one, shared by both instances. */
  private static Path cf(String name, String query) throws IOException {
    return Files.writeString(dir.resolve(name + ".cf"), String.join("\n",
        "hosts = inet:" + DB + ":" + pg.port(),
        "user = mail",
        "password = fleet",
        "dbname = maildb",
        "query = " + query,
        ""));
  }

  private static PosternInstance instance(String name, String shared, String metrics)
      throws Exception {
    PosternInstance p = PosternInstance.create(dir.resolve(name), String.join("\n",
        "myhostname = mx.fleet.test", shared, "postern_metrics_listen = " + metrics, ""));
    p.startAndAwaitSmtp();
    return p;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b, downstream, memcached, pg}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** The replies to a stranger's MAIL and each RCPT, connecting from 127.0.109.20. */
  private static List<String> stranger(PosternInstance p, List<String> recipients)
      throws IOException {
    List<String> replies = new ArrayList<>();
    try (SmtpClient c = SmtpClient.connectFrom(STRANGER, InetAddress.getLoopbackAddress(),
        p.smtpPort())) {
      c.command("EHLO stranger.test");
      replies.add(c.command("MAIL FROM:<someone@stranger.test>").text());
      for (String r : recipients) {
        replies.add(c.command("RCPT TO:<" + r + ">").text());
      }
      c.command("QUIT");
    }
    return replies;
  }

  @Test
  void stranger_getsTheSameAnswersFromBoth_andANewMailboxAtOnce() throws Exception {
    List<String> recipients = List.of("alice@fleet.test", "nobody@fleet.test",
        "carol@fleet.test", "user@elsewhere.test");
    List<String> fromA = stranger(a, recipients);
    assertThat(stranger(b, recipients)).isEqualTo(fromA);
    assertThat(fromA.get(1)).startsWith("250");
    assertThat(fromA.get(2)).startsWith("550 5.1.1").contains("User unknown in virtual mailbox table");
    assertThat(fromA.get(4)).startsWith("454 4.7.1").contains("Relay access denied");

    pg.sql("maildb", "INSERT INTO mailbox VALUES ('carol@fleet.test', 'fleet.test/carol/')");
    assertThat(stranger(a, List.of("carol@fleet.test")).get(1)).startsWith("250");
    assertThat(stranger(b, List.of("carol@fleet.test")).get(1)).startsWith("250");
  }

  @Test
  void addressVerifiedByA_isKnownToB_withoutAProbe() throws Exception {
    String good = "good@remote.test";
    assertThat(Commands.await(LIMIT, () -> {
      try {
        return stranger(a, List.of(good)).get(1).startsWith("250");
      } catch (IOException e) {
        return false;
      }
    })).as("a verifies " + good).isTrue();
    long probes = probes(good);
    assertThat(stranger(b, List.of(good)).get(1)).startsWith("250");
    assertThat(probes(good)).as("b asked memcached, not the downstream").isEqualTo(probes);
  }

  private static long probes(String recipient) {
    return downstream.commands().stream()
        .filter(c -> c.verb().equals("RCPT") && c.argument().equals("TO:<" + recipient + ">"))
        .count();
  }

  @Test
  void deliveries_showInEachInstancesPrometheusText() throws Exception {
    for (PosternInstance p : List.of(a, b)) {
      String id = Submit.swaks(p, "sender@client.test", "alice@fleet.test");
      p.awaitLog(Pattern.compile("(" + id + ": to=<alice@fleet.test>, relay=virtual, .*status=sent.*)"),
          LIMIT);
    }
    for (String metrics : List.of("http://" + METRICS_A + ":" + metricsA + "/metrics",
        "http://" + METRICS_B + ":" + metricsB + "/metrics")) {
      PrometheusText m = PrometheusText.of(scrape(metrics));
      assertThat(m.count("postern_deliveries_total", "transport", "virtual", "status", "sent"))
          .as(metrics).isGreaterThanOrEqualTo(1);
      assertThat(m.count("postern_smtpd_connections_total")).as(metrics).isGreaterThanOrEqualTo(1);
    }
  }

  private static String scrape(String url) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    }
  }
}
