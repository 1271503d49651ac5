package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

class QueueMetricsTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @TempDir Path dir;

  private Queues queues() throws IOException {
    Queues q = Queues.at(dir);
    q.createDirectories();
    return q;
  }

  private void queue(Queues queues, QueueName target, Instant arrival) throws IOException {
    try (QueueFileWriter w = QueueFileWriter.create(queues, Clock.fixed(arrival, ZoneOffset.UTC))) {
      w.writeEnvelope(Envelope.of("sender@example.org", List.of(Recipient.of("r@example.net"))));
      w.content().write("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
      Path file = w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);
      QueueId id = QueueId.of(file.getFileName().toString());
      queues.move(id, QueueName.INCOMING, target);
      // qmgr sets a deferred file's time stamp to its next retry: the age must not follow it.
      Files.setLastModifiedTime(queues.path(target, id), FileTime.from(NOW.plusSeconds(3600)));
    }
  }

  @Test
  void shape_messagesByQueue_countAndOldestArrival() throws IOException {
    Queues queues = queues();
    queue(queues, QueueName.DEFERRED, NOW.minusSeconds(600));
    queue(queues, QueueName.DEFERRED, NOW.minusSeconds(60));
    queue(queues, QueueName.HOLD, NOW.minusSeconds(5));
    QueueMetrics metrics = new QueueMetrics(queues, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(metrics.shape(QueueName.DEFERRED))
        .isEqualTo(new QueueMetrics.Shape(QueueName.DEFERRED, 2, Duration.ofSeconds(600)));
    assertThat(metrics.shape(QueueName.HOLD))
        .isEqualTo(new QueueMetrics.Shape(QueueName.HOLD, 1, Duration.ofSeconds(5)));
    assertThat(metrics.shape(QueueName.ACTIVE))
        .isEqualTo(new QueueMetrics.Shape(QueueName.ACTIVE, 0, Duration.ZERO));
  }

  @Test
  void shape_corruptFile_countedByTimeStamp() throws IOException {
    Queues queues = queues();
    Path corrupt = queues.directory(QueueName.CORRUPT).resolve("ABCDE12345");
    Files.writeString(corrupt, "not a queue file");
    Files.setLastModifiedTime(corrupt, FileTime.from(NOW.minusSeconds(30)));

    QueueMetrics metrics = new QueueMetrics(queues, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(metrics.shape(QueueName.CORRUPT))
        .isEqualTo(new QueueMetrics.Shape(QueueName.CORRUPT, 1, Duration.ofSeconds(30)));
  }

  @Test
  void collect_everyQueue_asGauges() throws IOException {
    Queues queues = queues();
    queue(queues, QueueName.INCOMING, NOW.minusSeconds(2));
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new QueueMetrics(queues, Clock.fixed(NOW, ZoneOffset.UTC)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());

    PrometheusText text = PrometheusText.of(out.toString(StandardCharsets.UTF_8));

    assertThat(text.value("postern_queue_messages", "queue", "incoming")).contains(1.0);
    assertThat(text.value("postern_queue_oldest_message_age_seconds", "queue", "incoming"))
        .contains(2.0);
    for (String q : List.of("maildrop", "active", "deferred", "hold", "corrupt")) {
      assertThat(text.value("postern_queue_messages", "queue", q)).as(q).contains(0.0);
    }
  }
}
