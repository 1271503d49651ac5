package org.postern.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.queue.Queues;

/**
 * The HTTP endpoint of {@code postern_metrics_listen}: Prometheus text at {@code /metrics}, served
 * by the Prometheus client's own small HTTP server from this process's registry, with the queue
 * of {@code queue_directory} read at each scrape and the JVM's collectors. The master {@link
 * #apply applies} main.cf at start and at each reload and {@link #close closes} it at stop: an
 * unchanged endpoint keeps running (a scrape in flight is not cut), a changed one is closed and
 * opened at its new address, an emptied one is closed.
 *
 * <p>Failure: a bad value or an address that cannot be bound is an exception from {@link #apply}
 * naming the parameter or the address; the endpoint is then closed, so that a reload that fails
 * never leaves the old address serving the new configuration's name.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private record Running(MetricsListen listen, Path queueDirectory, HTTPServer server,
      QueueMetrics queue) {}

  private Optional<Running> running = Optional.empty();

  /**
   * Brings the endpoint in line with {@code config}; returns what changed, for the master's log
   * ({@code metrics: listening on 127.0.0.1:9154}), empty when nothing did.
   *
   * @throws IllegalArgumentException a bad {@code postern_metrics_listen}
   * @throws IOException the address cannot be bound
   */
  public Optional<String> apply(MainConfig config) throws IOException {
    Optional<MetricsListen> wanted = MetricsListen.parse(config.get(MetricsListen.PARAMETER));
    Path queueDirectory = config.getPath("queue_directory");
    if (running.isPresent() && wanted.isPresent()
        && running.get().listen().equals(wanted.get())
        && running.get().queueDirectory().equals(queueDirectory)) {
      return Optional.empty();
    }
    boolean wasRunning = running.isPresent();
    close();
    if (wanted.isEmpty()) {
      return wasRunning ? Optional.of("metrics: stopped") : Optional.empty();
    }
    running = Optional.of(start(wanted.get(), queueDirectory));
    return Optional.of("metrics: listening on " + wanted.get());
  }

  private static Running start(MetricsListen listen, Path queueDirectory) throws IOException {
    JvmMetrics.builder().register(PosternMetrics.REGISTRY); // once per registry, however often
    QueueMetrics queue = new QueueMetrics(Queues.at(queueDirectory), Clock.systemUTC());
    PosternMetrics.REGISTRY.register(queue);
    try {
      HTTPServer server = HTTPServer.builder()
          .inetAddress(listen.address().getAddress())
          .port(listen.address().getPort())
          .registry(PosternMetrics.REGISTRY)
          .buildAndStart();
      return new Running(listen, queueDirectory, server, queue);
    } catch (IOException e) {
      PosternMetrics.REGISTRY.unregister(queue);
      throw new IOException(MetricsListen.PARAMETER + ": cannot listen on " + listen + ": "
          + e.getMessage(), e);
    }
  }

  /** Stops serving at once; nothing when the endpoint is not running. */
  @Override
  public void close() {
    running.ifPresent(r -> {
      r.server().close();
      PosternMetrics.REGISTRY.unregister(r.queue());
    });
    running = Optional.empty();
  }

  @Override
  public String toString() {
    return running.map(r -> "metrics on " + r.listen()).orElse("metrics off");
  }
}
