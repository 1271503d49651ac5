package org.postern.pickup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueId;

/**
 * A cleanup stand-in that records every committed submission and answers with a status the test
 * chooses; also usable from other packages' tests.
 */
public final class RecordingSink implements CleanupSink {
  /** What one commit received. */
  public record Received(QueueId id, PickupOrigin origin, Envelope envelope, String content,
      ExtractedEnvelope extracted, CleanupVerdict answer) {}

  private final AtomicReference<CleanupVerdict> answer =
      new AtomicReference<>(new CleanupVerdict.Queued());
  private final BlockingQueue<Received> commits = new LinkedBlockingQueue<>();
  private final List<QueueId> abandoned = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger(0xA0000);

  /** The status the next commits answer. */
  public void answer(CleanupVerdict status) {
    answer.set(status);
  }

  public BlockingQueue<Received> commits() {
    return commits;
  }

  public List<QueueId> abandoned() {
    return abandoned;
  }

  @Override
  public Submission open() {
    QueueId id = QueueId.of(Integer.toHexString(next.incrementAndGet()).toUpperCase() + "1");
    return new Submission() {
      private final ByteArrayOutputStream content = new ByteArrayOutputStream();
      private PickupOrigin origin;
      private Envelope envelope;
      private ExtractedEnvelope extracted;
      private boolean committed;

      @Override
      public QueueId queueId() {
        return id;
      }

      @Override
      public void envelope(PickupOrigin o, Envelope e, ExtractedEnvelope x) {
        origin = o;
        envelope = e;
        extracted = x;
      }

      @Override
      public OutputStream content() {
        return content;
      }

      @Override
      public CleanupVerdict commit() {
        committed = true;
        CleanupVerdict status = answer.get();
        commits.add(new Received(id, origin, envelope,
            content.toString(StandardCharsets.UTF_8), extracted, status));
        return status;
      }

      @Override
      public void close() throws IOException {
        if (!committed) {
          abandoned.add(id);
        }
      }
    };
  }
}
