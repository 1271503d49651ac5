package org.postern.qmgr;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.deliver.RecipientLog;
import org.postern.deliver.RecipientResult;
import org.postern.log.DeliveryDelays;
import org.postern.log.DeliveryStatusLine;
import org.postern.log.ProgramLog;
import org.postern.log.Relay;
import org.postern.queue.DsnNotify;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileMarker;
import org.postern.queue.QueueId;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/**
 * What qmgr does with each recipient result, in this order: apply {@code soft_bounce}, log the
 * delivery status line, append to the per-message log (trace for a delivered recipient that asked
 * for NOTIFY=SUCCESS, bounce for a failed one, defer for a deferred one), and for delivered and
 * failed recipients mark the queue file record done, forced to disk. The mark comes last: a crash
 * before it delivers the recipient once more, never loses it.
 *
 * <p>Failure: an IOException from a log or the mark propagates; the recipient then stays pending
 * and is tried again with the message.
 */
final class ResultRecorder {
  /** When the stages of one delivery happened, for {@code delays=a/b/c/d}. */
  record Timing(Instant activeSince, Optional<Instant> handoff, Instant done) {}

  private final QmgrSettings settings;
  private final RecipientLog bounceLog;
  private final RecipientLog deferLog;
  private final RecipientLog traceLog;
  private final ReentrantLock lock = new ReentrantLock();

  ResultRecorder(QmgrSettings settings, Queues queues) {
    this.settings = settings;
    this.bounceLog = RecipientLog.bounce(queues);
    this.deferLog = RecipientLog.defer(queues);
    this.traceLog = RecipientLog.trace(queues);
  }

  /**
   * Records {@code result} for {@code original}, the recipient as read from {@code message}.
   * Returns the result as recorded (after soft_bounce).
   */
  RecipientResult record(QueueId id, QueueFile message, Recipient original,
      RecipientResult result, Timing timing, ProgramLog log) throws IOException {
    RecipientResult r = settings.softBounce() ? softBounce(result) : result;
    log.info(statusLine(id, message, r, timing));
    RecipientLog.Entry entry = RecipientLog.Entry.of(r);
    lock.lock(); // one message's logs and marks, written by its delivery threads in turn
    try {
      switch (r.status()) {
        case SENT -> {
          if (original.notifyFlags().contains(DsnNotify.SUCCESS)) {
            traceLog.append(id, entry);
          }
          QueueFileMarker.markDone(message.path(), original);
        }
        case BOUNCED -> {
          bounceLog.append(id, entry);
          QueueFileMarker.markDone(message.path(), original);
        }
        case DEFERRED -> deferLog.append(id, entry);
      }
    } finally {
      lock.unlock();
    }
    return r;
  }

  /** The Postfix delivery status line of {@code r}. */
  String statusLine(QueueId id, QueueFile message, RecipientResult r, Timing timing) {
    Recipient rcpt = r.recipient();
    DeliveryDelays delays = DeliveryDelays.between(message.arrivalTime(),
        Optional.of(timing.activeSince()), timing.handoff(), Optional.empty(), timing.done());
    DeliveryStatusLine line = DeliveryStatusLine.builder(id.value(), rcpt.address())
        .originalRecipient(rcpt.originalRecipient().orElse(""))
        .relay(new Relay(r.relay().isEmpty() ? "none" : r.relay()))
        .reuseCount(r.connectionReuses())
        .delays(delays)
        .delayLoggingResolutionLimit(settings.delayLoggingResolutionLimit())
        .outcome(r.dsn(), status(r.status()), r.text());
    r.tlsStatus().ifPresent(line::tlsFeatureStatus);
    return line.text();
  }

  /** soft_bounce: a bounce becomes a deferral, its 5.X.Y status 4.X.Y. */
  static RecipientResult softBounce(RecipientResult r) {
    if (r.status() != RecipientResult.Status.BOUNCED) {
      return r;
    }
    String dsn = r.dsn().startsWith("5") ? "4" + r.dsn().substring(1) : r.dsn();
    return new RecipientResult(r.recipient(), RecipientResult.Status.DEFERRED, dsn, r.relay(),
        r.text(), r.diagnostic(), r.tlsStatus(), "delayed", r.connectionReuses());
  }

  private static DeliveryStatusLine.Status status(RecipientResult.Status s) {
    return switch (s) {
      case SENT -> DeliveryStatusLine.Status.SENT;
      case DEFERRED -> DeliveryStatusLine.Status.DEFERRED;
      case BOUNCED -> DeliveryStatusLine.Status.BOUNCED;
    };
  }
}
