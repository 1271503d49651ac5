package org.postern.smtpd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.postern.queue.CleanupStatus;

/** A MessageSink that keeps every message in memory and can be told to fail. */
final class RecordingMessageSink implements MessageSink {
  /** One message as cleanup would have seen it. */
  static final class Message implements CleanupStream {
    final Envelope envelope;
    final String queueId;
    final StringBuilder headers = new StringBuilder();
    final ByteArrayOutputStream content = new ByteArrayOutputStream();
    volatile boolean committed;
    volatile boolean aborted;
    private final Optional<CleanupStatus> failCommit;

    Message(Envelope envelope, String queueId, Optional<CleanupStatus> failCommit) {
      this.envelope = envelope;
      this.queueId = queueId;
      this.failCommit = failCommit;
    }

    @Override
    public String queueId() {
      return queueId;
    }

    @Override
    public void prependHeader(String header) {
      headers.append(header);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      content.write(bytes, offset, length);
    }

    @Override
    public String commit() throws CleanupException {
      if (failCommit.isPresent()) {
        throw new CleanupException(failCommit.get(), "test says so");
      }
      committed = true;
      return queueId;
    }

    @Override
    public void abort() {
      aborted = true;
    }

    String content() {
      return content.toString(StandardCharsets.UTF_8);
    }
  }

  private final List<Message> opened = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger(0x4A1);
  private volatile Optional<CleanupStatus> failCommit = Optional.empty();

  @Override
  public CleanupStream open(Envelope envelope, org.postern.milter.Milters milters) {
    Message m =
        new Message(envelope, String.format("%X", ids.getAndIncrement()) + "B2C3", failCommit);
    opened.add(m);
    return m;
  }

  void failCommitWith(CleanupStatus status) {
    failCommit = Optional.of(status);
  }

  /** Every message smtpd opened, committed or not. */
  List<Message> opened() {
    return opened;
  }

  /** Committed messages only. */
  List<Message> queued() {
    return opened.stream().filter(m -> m.committed).toList();
  }
}
