package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;

class MetricsEndpointTest {
  private static final String HOST = "127.0.105.9";

  @TempDir Path dir;

  private MainConfig config(String listen) {
    Map<String, String> main = new HashMap<>();
    main.put("queue_directory", dir.resolve("spool").toString());
    main.put("postern_metrics_listen", listen);
    return MainConfig.of(dir, main);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
          .build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void apply_listen_servesPrometheusTextWithQueueAndJvm() throws Exception {
    int port = freePort();
    try (MetricsEndpoint endpoint = new MetricsEndpoint()) {
      assertThat(endpoint.apply(config(HOST + ":" + port)))
          .contains("metrics: listening on " + HOST + ":" + port);

      HttpResponse<String> r = get(port, "/metrics");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      PrometheusText text = PrometheusText.of(r.body());
      assertThat(text.value("postern_queue_messages", "queue", "deferred")).contains(0.0);
      assertThat(text.sampleNames()).contains("jvm_memory_used_bytes", "jvm_threads_current");
      assertThat(text.promtoolProblems(dir)).isEmpty();
    }
  }

  @Test
  void apply_sameAgain_keepsRunning_emptyStops() throws Exception {
    int port = freePort();
    try (MetricsEndpoint endpoint = new MetricsEndpoint()) {
      endpoint.apply(config(HOST + ":" + port));

      assertThat(endpoint.apply(config(HOST + ":" + port))).isEmpty();
      assertThat(get(port, "/metrics").statusCode()).isEqualTo(200);

      assertThat(endpoint.apply(config(""))).contains("metrics: stopped");
      assertThatThrownBy(() -> get(port, "/metrics")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void apply_newPort_moves() throws Exception {
    int first = freePort();
    int second = freePort();
    try (MetricsEndpoint endpoint = new MetricsEndpoint()) {
      endpoint.apply(config(HOST + ":" + first));

      assertThat(endpoint.apply(config(HOST + ":" + second)))
          .contains("metrics: listening on " + HOST + ":" + second);

      assertThat(get(second, "/metrics").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> get(first, "/metrics")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void apply_portInUse_failsNamingAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST));
        MetricsEndpoint endpoint = new MetricsEndpoint()) {
      String listen = HOST + ":" + taken.getLocalPort();

      assertThatThrownBy(() -> endpoint.apply(config(listen)))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("postern_metrics_listen: cannot listen on " + listen);
    }
  }

  @Test
  void apply_badValue_illegalArgument() {
    try (MetricsEndpoint endpoint = new MetricsEndpoint()) {
      assertThatThrownBy(() -> endpoint.apply(config("nine")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("postern_metrics_listen");
    }
  }
}
