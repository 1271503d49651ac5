package org.postern.metrics;

import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;

/**
 * The mail queue at the moment of a scrape, read from the queue directory as qshape(1) and
 * showq(8) read it: how many messages each queue holds and how long ago the oldest arrived.
 *
 * <p>Exported as {@code postern_queue_messages{queue}} and {@code
 * postern_queue_oldest_message_age_seconds{queue}} (0 for an empty queue) for maildrop, incoming,
 * active, deferred, hold and corrupt. The age is the arrival time recorded in the queue file, not
 * the file's time stamp, which qmgr sets to the next retry of a deferred message; a file that
 * cannot be read as a queue file (corrupt, a maildrop file being written) counts by its time
 * stamp.
 *
 * <p>Failure: a file that vanishes while it is read (delivered, moved) is left out; a queue
 * directory that cannot be listed reports 0 messages rather than failing the scrape.
 */
final class QueueMetrics implements MultiCollector {
  private static final MetricMetadata MESSAGES =
      new MetricMetadata("postern_queue_messages", "Messages in each Postern queue");
  private static final MetricMetadata OLDEST = new MetricMetadata(
      "postern_queue_oldest_message_age_seconds",
      "Age of the oldest message in each queue (0 when empty)");
  private static final String LABEL = "queue";
  private static final List<QueueName> QUEUES = List.of(QueueName.MAILDROP, QueueName.INCOMING,
      QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD, QueueName.CORRUPT);

  private final Queues queues;
  private final Clock clock;

  QueueMetrics(Queues queues, Clock clock) {
    this.queues = queues;
    this.clock = clock;
  }

  /** One queue as seen now. */
  record Shape(QueueName queue, int messages, Duration oldest) {}

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder count = GaugeSnapshot.builder().name(MESSAGES.getName())
        .help(MESSAGES.getHelp());
    GaugeSnapshot.Builder age = GaugeSnapshot.builder().name(OLDEST.getName())
        .help(OLDEST.getHelp());
    for (QueueName q : QUEUES) {
      Shape s = shape(q);
      Labels labels = Labels.of(LABEL, q.directoryName());
      count.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(s.messages()).build());
      age.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
          .value(s.oldest().toMillis() / 1000.0).build());
    }
    return MetricSnapshots.of(count.build(), age.build());
  }

  @Override
  public List<MetricFamilyDescriptor> getMetricFamilyDescriptors() {
    return List.of(MetricFamilyDescriptor.of(MetricType.GAUGE, MESSAGES, Set.of(LABEL)),
        MetricFamilyDescriptor.of(MetricType.GAUGE, OLDEST, Set.of(LABEL)));
  }

  // Visible for testing
  Shape shape(QueueName queue) {
    List<Queues.Located> files;
    try {
      files = queues.list(queue);
    } catch (IOException e) {
      return new Shape(queue, 0, Duration.ZERO);
    }
    Instant now = clock.instant();
    int messages = 0;
    Instant oldest = now;
    for (Queues.Located f : files) {
      Optional<Instant> arrival = arrival(f);
      if (arrival.isPresent()) {
        messages++;
        oldest = arrival.get().isBefore(oldest) ? arrival.get() : oldest;
      }
    }
    Duration age = Duration.between(oldest, now);
    return new Shape(queue, messages, age.isNegative() ? Duration.ZERO : age);
  }

  /** When {@code f} arrived; empty when it is gone. */
  private static Optional<Instant> arrival(Queues.Located f) {
    try (QueueFileReader reader = QueueFileReader.open(f.path())) {
      return Optional.of(reader.queueFile().arrivalTime());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return modified(f);
    }
  }

  private static Optional<Instant> modified(Queues.Located f) {
    try {
      return Optional.of(Files.getLastModifiedTime(f.path()).toInstant());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
