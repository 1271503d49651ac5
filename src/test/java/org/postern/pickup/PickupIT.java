package org.postern.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.CleanupStatus;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** Pickup with its real UNIX-domain wake-up socket. */
class PickupIT {
  private static final PickupSettings SETTINGS = new PickupSettings("mx", "Postern", "postfix");

  @TempDir Path base;
  private Queues queues;
  private final RecordingSink sink = new RecordingSink();
  private final RecordingLog log = new RecordingLog();
  private Pickup pickup;

  @BeforeEach
  void setUp() {
    queues = Queues.at(base.resolve("q"));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (pickup != null) {
      pickup.stop();
    }
  }

  private void start(Duration interval) throws IOException {
    pickup = new Pickup(queues, sink, SETTINGS, log, Clock.systemUTC(), interval);
    pickup.start();
  }

  private QueueId drop() throws IOException {
    try (QueueFileWriter w = QueueFileWriter.create(queues, Clock.systemUTC())) {
      w.writeEnvelope(Envelope.of("alice", List.of(Recipient.of("b@example.org"))));
      w.content().write("Subject: s\n\nbody\n".getBytes(StandardCharsets.UTF_8));
      w.commit(QueueName.MAILDROP, ExtractedEnvelope.NONE);
      return w.id();
    }
  }

  @Test
  void wakeUp_afterDrop_picksUpWithinASecondAndRemovesFile() throws Exception {
    start(Duration.ofHours(1));
    QueueId id = drop();

    assertThat(PickupTrigger.wake(queues)).isTrue();

    RecordingSink.Received got = sink.commits().poll(1, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.origin().maildropId()).isEqualTo(id);
    assertThat(got.envelope().sender()).isEqualTo("alice");
    waitUntilGone(queues.path(QueueName.MAILDROP, id));
    assertThat(log.lines).anyMatch(l -> l.matches(got.id() + ": uid=\\d+ from=<alice>"));
  }

  @Test
  void start_picksUpWhatWaitedWhileDown() throws Exception {
    QueueId id = drop();

    start(Duration.ofHours(1));

    RecordingSink.Received got = sink.commits().poll(5, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.origin().maildropId()).isEqualTo(id);
  }

  @Test
  void temporaryFailure_keepsFileUntilNextWakeUp() throws Exception {
    sink.answer(new CleanupVerdict.Defer(CleanupStatus.DEFER.reply()));
    start(Duration.ofHours(1));
    QueueId id = drop();
    PickupTrigger.wake(queues);
    assertThat(sink.commits().poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(queues.path(QueueName.MAILDROP, id)).exists();

    sink.answer(new CleanupVerdict.Queued());
    PickupTrigger.wake(queues);

    assertThat(sink.commits().poll(5, TimeUnit.SECONDS).answer())
        .isEqualTo(new CleanupVerdict.Queued());
    waitUntilGone(queues.path(QueueName.MAILDROP, id));
  }

  @Test
  void periodicScan_withoutWakeUp_picksUp() throws Exception {
    start(Duration.ofMillis(200));
    drop();

    assertThat(sink.commits().poll(5, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void corruptFile_isMovedToCorrupt() throws Exception {
    start(Duration.ofHours(1));
    QueueId id = drop();
    Path file = queues.path(QueueName.MAILDROP, id);
    Files.write(file, new byte[] {'C', 0, 0});

    PickupTrigger.wake(queues);

    waitUntilGone(file);
    assertThat(queues.path(QueueName.CORRUPT, id)).exists();
    assertThat(sink.commits()).isEmpty();
  }

  @Test
  void stop_removesSocketAndWakeFails() throws Exception {
    start(Duration.ofHours(1));
    assertThat(pickup.socket()).exists();

    pickup.stop();

    assertThat(pickup.isRunning()).isFalse();
    assertThat(pickup.socket()).doesNotExist();
    assertThat(PickupTrigger.wake(queues)).isFalse();
  }

  @Test
  void start_twice_isRefused() throws Exception {
    start(Duration.ofHours(1));

    assertThatThrownBy(() -> pickup.start()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void wake_noListener_returnsFalse() throws IOException {
    queues.createDirectories();

    assertThat(PickupTrigger.wake(queues)).isFalse();
  }

  private static void waitUntilGone(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(file).doesNotExist();
  }
}
