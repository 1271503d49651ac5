package org.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.RecipientResult;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;

class QueueManagerIT {
  @TempDir Path dir;

  @Test
  void start_recoversActiveQueueAndDeliversOnTrigger() throws Exception {
    QmgrHarness h = new QmgrHarness(dir);
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId crashed = h.submit("a@example.com");
    h.queues.move(crashed, QueueName.INCOMING, QueueName.ACTIVE);
    QueueManager qmgr = h.qmgr();

    qmgr.start();
    try {
      await(() -> h.queueOf(crashed).isEmpty());
      QueueId fresh = h.submit("b@example.com");
      assertThat(QmgrTrigger.send(h.queues, QmgrRequest.SCAN_INCOMING)).isTrue();
      await(() -> h.queueOf(fresh).isEmpty());
    } finally {
      qmgr.stop(Duration.ofSeconds(5));
    }

    assertThat(smtp.recipients()).containsExactlyInAnyOrder("a@example.com", "b@example.com");
    assertThat(qmgr.socket()).doesNotExist();
    assertThat(QmgrTrigger.send(h.queues, QmgrRequest.SCAN_INCOMING)).isFalse();
  }

  @Test
  void queueRunDelayTimer_scansDeferredQueue() throws Exception {
    QmgrHarness h = new QmgrHarness(dir);
    AtomicBoolean up = new AtomicBoolean();
    RecordingAgent smtp = RecordingAgent.answering(r -> up.get()
        ? RecipientResult.sent(r, "2.0.0", "mx[192.0.2.1]:25", "250 Ok")
        : RecipientResult.deferred(r, "4.4.1", "none", "no route"));
    h.agent("smtp", smtp);
    QueueId id = h.submit("a@example.com");
    QueueManager qmgr = h.qmgr();

    qmgr.start();
    try {
      await(() -> h.queueOf(id).equals(Optional.of(QueueName.DEFERRED)));
      assertThat(h.scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(300));
      up.set(true);
      h.clock.advance(Duration.ofSeconds(300));
      assertThat(h.scheduler.fireDue()).isEqualTo(1);
      await(() -> h.queueOf(id).isEmpty());
    } finally {
      qmgr.stop(Duration.ofSeconds(5));
    }
    assertThat(h.scheduler.pendingDelays()).isEmpty();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
