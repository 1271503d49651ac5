package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.metrics.PrometheusText;

/**
 * MTA-STS outcomes in the metrics: in the {@link MtaStsWorld} (nginx serving policies on
 * 127.0.105.10:443, unbound, aiosmtpd MX hosts on 127.0.105.11 with a certificate for
 * mx1.sts.test and on 127.0.105.13 without TLS), a Postern with {@code postern_metrics_listen}
 * delivers to an {@code enforce} domain whose MX meets the policy, and defers mail for an {@code
 * enforce} domain whose MX offers no STARTTLS. The scrape counts one {@code sts} session of each
 * result and the TLS level of the delivered message.
 */
class MetricsMtaStsIT {
  private static final String METRICS_HOST = "127.0.105.1";

  @TempDir static Path dir;
  private static MtaStsWorld world;
  private static PosternInstance postern;
  private static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    world = MtaStsWorld.start(dir, "127.0.105.10", Map.of(
        "enforce.test", MtaStsWorld.policy("enforce", "*.sts.test"),
        "nocert.test", MtaStsWorld.policy("enforce", "mx.nocert.test")), List.of(
        "mx1.sts.test. 300 IN A 127.0.105.11",
        "enforce.test. 300 IN MX 10 mx1.sts.test.",
        "nocert.test. 300 IN MX 10 mx.nocert.test.",
        "mx.nocert.test. 300 IN A 127.0.105.13"));
    world.startTlsPeer("127.0.105.11", "mx1.sts.test");
    world.startPeer("127.0.105.13");
    metricsPort = PosternInstance.freePort();
    postern = world.postern("postern_metrics_listen = " + METRICS_HOST + ":" + metricsPort);
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void scrape_enforcedDomains_stsSessionsByResult() throws Exception {
    String sent = world.send("enforce.test", "metrics sts");
    String deferred = world.send("nocert.test", "metrics sts");
    assertThat(world.statusLine(sent, "enforce.test")).contains("tls=secure")
        .contains("status=sent");
    assertThat(world.statusLine(deferred, "nocert.test")).contains("status=deferred");

    PrometheusText m;
    try (HttpClient http = HttpClient.newHttpClient()) {
      m = PrometheusText.of(http.send(HttpRequest.newBuilder(URI.create(
          "http://" + METRICS_HOST + ":" + metricsPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    }

    assertThat(m.count("postern_tls_policy_sessions_total", "policy", "sts", "result", "success"))
        .isEqualTo(1);
    assertThat(m.count("postern_tls_policy_sessions_total", "policy", "sts", "result",
        "starttls-not-supported")).isEqualTo(1);
    assertThat(m.count("postern_delivery_tls_features_total", "feature", "level", "tls",
        "secure", "status", "sent")).isEqualTo(1);
    assertThat(m.count("postern_deliveries_total", "transport", "smtp", "status", "deferred"))
        .isEqualTo(1);
  }
}
