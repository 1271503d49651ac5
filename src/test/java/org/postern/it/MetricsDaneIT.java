package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.metrics.PrometheusText;

/**
 * DANE outcomes in the metrics: in a {@link DnssecWorld}, a Postern at {@code
 * smtp_tls_security_level = dane} with {@code postern_metrics_listen} delivers to an MX host
 * whose TLSA record matches (127.0.105.31), once plainly and once as REQUIRETLS under {@code
 * enforce} ({@code tls=dane/requiretls}), and defers mail for an MX host whose certificate matches
 * no TLSA record (127.0.105.32, {@code !dane}). The scrape counts the {@code tlsa} sessions by
 * RFC 8460 result and the {@code tls=} features by delivery status.
 */
class MetricsDaneIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String METRICS_HOST = "127.0.105.1";

  @TempDir static Path dir;
  private static final List<AutoCloseable> started = new ArrayList<>();
  private static PosternInstance postern;
  private static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<String> records = new ArrayList<>();
    peer(pki, records, "mx-ee", "127.0.105.31", "ee", true);
    peer(pki, records, "mx-wrong", "127.0.105.32", "wrong", false);
    DnssecWorld world = DnssecWorld.start(dir.resolve("dns"), records, Set.of());
    started.add(world);
    Path requireTls = dir.resolve("requiretls");
    Files.writeString(requireTls, "secure@client.test yes\n", StandardCharsets.US_ASCII);
    metricsPort = PosternInstance.freePort();
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = client.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "defer_transports =",
        "postern_dns_resolver_address = " + world.address(),
        "smtp_dns_support_level = dnssec",
        "smtp_tls_security_level = dane",
        "smtp_requiretls_policy = enforce",
        "requiretls_request_maps = texthash:" + requireTls,
        "postern_metrics_listen = " + METRICS_HOST + ":" + metricsPort,
        ""));
    started.add(postern);
    postern.startAndAwaitSmtp();
  }

  /** A TLS + REQUIRETLS aiosmtpd {@code name}.dane.test, MX of {@code domain}.dane.test. */
  private static void peer(TestPki pki, List<String> records, String name, String address,
      String domain, boolean matchingTlsa) throws Exception {
    String fqdn = name + ".dane.test";
    List<Path> cert = pki.server(fqdn);
    records.add(fqdn + ". IN A " + address);
    records.add("_25._tcp." + fqdn + ". IN TLSA "
        + (matchingTlsa ? DnssecWorld.daneEe(cert.get(0)) : DnssecWorld.wrongTlsa()));
    records.add(domain + ".dane.test. IN MX 10 " + fqdn + ".");
    started.add(AiosmtpdPeer.start(dir, address, 25, "--tls", cert.get(0).toString(),
        cert.get(1).toString(), "--requiretls"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : started.reversed()) {
      c.close();
    }
  }

  private static void send(String sender, String rcpt, String outcome) throws Exception {
    String id = Submit.swaks(postern, sender, rcpt);
    postern.awaitLog(Pattern.compile(id + ": to=<" + Pattern.quote(rcpt) + ">, .*" + outcome),
        LIMIT);
  }

  @Test
  void scrape_daneDeliveries_tlsaSessionsAndTlsFeatures() throws Exception {
    send("root@client.test", "plain@ee.dane.test", "tls=dane, .*status=sent");
    send("secure@client.test", "rt@ee.dane.test", "tls=dane/requiretls, .*status=sent");
    send("root@client.test", "x@wrong.dane.test", "tls=!dane, .*status=deferred");

    PrometheusText m;
    try (HttpClient http = HttpClient.newHttpClient()) {
      m = PrometheusText.of(http.send(HttpRequest.newBuilder(URI.create(
          "http://" + METRICS_HOST + ":" + metricsPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    }

    assertThat(m.count("postern_tls_policy_sessions_total", "policy", "tlsa", "result",
        "success")).isEqualTo(2);
    assertThat(m.count("postern_tls_policy_sessions_total", "policy", "tlsa", "result",
        "tlsa-invalid")).isEqualTo(1);
    assertThat(m.count("postern_delivery_tls_features_total", "feature", "level", "tls", "dane",
        "status", "sent")).isEqualTo(2);
    assertThat(m.count("postern_delivery_tls_features_total", "feature", "requiretls", "tls",
        "requiretls", "status", "sent")).isEqualTo(1);
    assertThat(m.count("postern_delivery_tls_features_total", "feature", "level", "tls",
        "!dane", "status", "deferred")).isEqualTo(1);
  }
}
