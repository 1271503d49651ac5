package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.postern.metrics.PrometheusText;

/**
 * {@code postern_metrics_listen} end to end: a Postern with metrics on 127.0.105.1 takes five
 * messages over SMTP on its own smtpd (127.0.105.1) and relays them through two master.cf
 * transports: {@code sink} to an aiosmtpd on 127.0.105.2 (one delivered, one REQUIRETLS by
 * {@code requiretls_request_maps} and delivered as {@code requiretls:none}, one refused there
 * with 550 and bounced) and to 127.0.105.4, held to {@code enforce} by {@code
 * smtp_requiretls_policy}, where a REQUIRETLS message bounces as {@code !requiretls:nocertmatch}
 * before any connection; the two bounce notices go back to the sink; {@code dead} to
 * 127.0.105.3, where nothing listens, defers one (left in the deferred queue). A scrape of
 * {@code /metrics} over HTTP must count exactly that, pass {@code promtool check metrics}, and
 * after {@code postern reload} with a new port be served there with the counts kept. A second
 * Postern whose metrics address is taken does not start, and says why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String HOST = "127.0.105.1";

  @TempDir static Path dir;
  private static AiosmtpdPeer sink;
  private static PosternInstance postern;
  private static int smtpdPort;
  private static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    int sinkPort = PosternInstance.freePort();
    int deadPort = PosternInstance.freePort();
    smtpdPort = PosternInstance.freePort();
    metricsPort = PosternInstance.freePort();
    sink = AiosmtpdPeer.start(dir, "127.0.105.2", sinkPort, "--reject-rcpt", "refused");
    Path transport = dir.resolve("transport");
    Files.writeString(transport, String.join("\n",
        "sink.test sink:[127.0.105.2]:" + sinkPort,
        "metrics.test sink:[127.0.105.2]:" + sinkPort,
        "strict.test sink:[127.0.105.4]:" + sinkPort,
        "dead.test dead:[127.0.105.3]:" + deadPort, ""), StandardCharsets.US_ASCII);
    Path requireTls = dir.resolve("requiretls");
    Files.writeString(requireTls, "secure@metrics.test yes\n", StandardCharsets.US_ASCII);
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.metrics.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.0/8",
        "defer_transports =",
        "transport_maps = texthash:" + transport,
        "requiretls_request_maps = texthash:" + requireTls,
        "smtp_requiretls_policy = cidr:{{127.0.105.4/32 enforce}}, opportunistic",
        "postern_metrics_listen = " + HOST + ":" + metricsPort,
        ""));
    postern.appendMasterCf(String.join("\n",
        HOST + ":" + smtpdPort + " inet n - n - - smtpd",
        "sink unix - - n - - smtp",
        "dead unix - - n - - smtp"));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, sink}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static String send(String sender, String recipient) throws Exception {
    return Submit.queueId(Commands.ok(List.of("swaks", "--server", HOST + ":" + smtpdPort,
        "--ehlo", "client.test", "--from", sender, "--to", recipient), null, LIMIT).out());
  }

  private static String scrapeText(int port) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create("http://" + HOST + ":" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    }
  }

  @Test
  @Order(1)
  void scrape_afterSentDeferredBouncedAndRequireTls_countsThem() throws Exception {
    String sent = send("someone@metrics.test", "ok@sink.test");
    String deferred = send("someone@metrics.test", "rcpt@dead.test");
    String bounced = send("someone@metrics.test", "refused@sink.test");
    String requireTls = send("secure@metrics.test", "rt@sink.test");
    String strict = send("secure@metrics.test", "rt@strict.test");
    await(sent + ": to=<ok@sink\\.test>, relay=.*status=sent");
    await(deferred + ": to=<rcpt@dead\\.test>, relay=.*status=deferred");
    await(bounced + ": to=<refused@sink\\.test>, relay=.*status=bounced");
    await(requireTls + ": to=<rt@sink\\.test>, relay=.*tls=[^,]*requiretls:none, .*status=sent");
    await(strict + ": to=<rt@strict\\.test>, relay=.*tls=[^,]*!requiretls:nocertmatch, .*"
        + "status=bounced");
    await(": to=<someone@metrics\\.test>, relay=.*status=sent"); // the bounce notices
    await(": to=<secure@metrics\\.test>, relay=.*status=sent");

    PrometheusText m = PrometheusText.of(scrapeText(metricsPort));

    assertThat(m.count("postern_deliveries_total", "transport", "sink", "status", "sent"))
        .isEqualTo(4);
    assertThat(m.count("postern_deliveries_total", "transport", "sink", "status", "bounced"))
        .isEqualTo(2);
    assertThat(m.count("postern_deliveries_total", "transport", "dead", "status", "deferred"))
        .isEqualTo(1);
    assertThat(m.count("postern_deliveries_total", "transport", "dead", "status", "sent"))
        .isZero();
    assertThat(m.count("postern_delivery_delay_seconds_count", "transport", "sink", "status",
        "sent")).isEqualTo(4);
    assertThat(m.count("postern_delivery_tls_features_total", "feature", "requiretls", "tls",
        "requiretls:none", "status", "sent")).isEqualTo(1);
    assertThat(m.count("postern_delivery_tls_features_total", "feature", "requiretls", "tls",
        "!requiretls:nocertmatch", "status", "bounced")).isEqualTo(1);
    assertThat(m.count("postern_smtpd_message_size_bytes_count")).isEqualTo(5);
    assertThat(m.count("postern_smtpd_message_size_bytes_sum")).isGreaterThan(5 * 100);
    assertThat(m.count("postern_smtpd_commands_total", "command", "mail")).isEqualTo(5);
    assertThat(m.count("postern_smtpd_commands_total", "command", "data")).isEqualTo(5);
    assertThat(m.count("postern_smtpd_replies_total", "class", "3xx")).isEqualTo(5);
    assertThat(m.count("postern_smtpd_replies_total", "class", "5xx")).isZero();
    assertThat(m.count("postern_smtpd_connections_total")).isGreaterThanOrEqualTo(4);
    assertThat(m.value("postern_queue_messages", "queue", "deferred")).contains(1.0);
    assertThat(m.value("postern_queue_messages", "queue", "incoming")).contains(0.0);
    assertThat(m.value("postern_queue_oldest_message_age_seconds", "queue", "deferred"))
        .hasValueSatisfying(age -> assertThat(age).isBetween(0.0, 600.0));
    assertThat(m.sampleNames()).contains("jvm_memory_used_bytes", "jvm_threads_current",
        "process_cpu_seconds_total");
    assertThat(m.promtoolProblems(dir)).isEmpty();
  }

  @Test
  @Order(2)
  void reload_newListenAddress_movesEndpointAndKeepsCounts() throws Exception {
    int next = PosternInstance.freePort();
    postern.postconf("postern_metrics_listen=" + HOST + ":" + next);

    PosternInstance.Result r = postern.command("postern", "reload");

    assertThat(r.status()).as(r.err()).isZero();
    await("metrics: listening on " + Pattern.quote(HOST + ":" + next));
    PrometheusText m = PrometheusText.of(scrapeText(next));
    assertThat(m.count("postern_deliveries_total", "transport", "sink", "status", "sent"))
        .isEqualTo(4);
    assertThatThrownBy(() -> scrapeText(metricsPort)).isInstanceOf(IOException.class);
  }

  @Test
  @Order(3)
  void start_metricsAddressInUse_fatalNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      String listen = HOST + ":" + taken.getLocalPort();
      PosternInstance other = PosternInstance.create(dir.resolve("other"),
          "postern_metrics_listen = " + listen + "\n");

      PosternInstance.Result r = other.command("postern", "start");

      try {
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("fatal: postern_metrics_listen: cannot listen on " + listen);
      } finally {
        other.close();
      }
    }
  }

  private static void await(String regex) throws InterruptedException {
    postern.awaitLog(Pattern.compile(regex), LIMIT);
  }
}
