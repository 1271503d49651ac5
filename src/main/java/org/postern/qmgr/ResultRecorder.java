package org.postern.qmgr;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.deliver.RecipientLog;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.VerifyClient;
import org.postern.deliver.VerifyClient.AddressStatus;
import org.postern.deliver.VerifyClient.VerifyException;
import org.postern.log.DeliveryDelays;
import org.postern.log.DeliveryStatusLine;
import org.postern.log.ProgramLog;
import org.postern.log.Relay;
import org.postern.metrics.DeliveryMetrics;
import org.postern.queue.DsnNotify;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileMarker;
import org.postern.queue.QueueId;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

/**
 * What qmgr does with each recipient result, in this order: apply {@code soft_bounce}, log the
 * delivery status line, append to the per-message log (trace for a delivered recipient that asked
 * for NOTIFY=SUCCESS, bounce for a failed one, defer for a deferred one), and for delivered and
 * failed recipients mark the queue file record done, forced to disk. The mark comes last: a crash
 * before it delivers the recipient once more, never loses it.
 *
 * <p>An address probe of verify(8) ({@code trace_flags=256}) is neither bounced nor deferred:
 * whatever became of the recipient goes to the verify service ({@code status=deliverable} or
 * {@code undeliverable} in the log; {@code undeliverable-but-not-cached} when {@code
 * address_verify_negative_cache = no}) and the recipient is done, as Postfix's verify_append.
 * A probe of {@code sendmail -bv} ({@code trace_flags=512}) is logged the same way and recorded
 * in the trace log, from which bounce mails the sender a delivery status report.
 *
 * <p>Failure: an IOException from a log or the mark propagates; the recipient then stays pending
 * and is tried again with the message. A verify service that cannot record a probe's result is a
 * warning ({@code QUEUEID: verify service failure}); that recipient stays pending too.
 */
final class ResultRecorder {
  /** When the stages of one delivery happened, for {@code delays=a/b/c/d}. */
  record Timing(Instant activeSince, Optional<Instant> handoff, Instant done) {
    /** The delays of a message that arrived at {@code arrival}. */
    DeliveryDelays delays(Instant arrival) {
      return DeliveryDelays.between(arrival, Optional.of(activeSince), handoff, Optional.empty(),
          done);
    }
  }

  private final QmgrSettings settings;
  private final RecipientLog bounceLog;
  private final RecipientLog deferLog;
  private final RecipientLog traceLog;
  private final ReentrantLock lock = new ReentrantLock();
  private final VerifyClient verify;

  ResultRecorder(QmgrSettings settings, Queues queues) {
    this(settings, queues, VerifyClient.UNAVAILABLE);
  }

  ResultRecorder(QmgrSettings settings, Queues queues, VerifyClient verify) {
    this.settings = settings;
    this.verify = verify;
    this.bounceLog = RecipientLog.bounce(queues);
    this.deferLog = RecipientLog.defer(queues);
    this.traceLog = RecipientLog.trace(queues);
  }

  /**
   * Records {@code result} for {@code original}, the recipient as read from {@code message}, as
   * delivered by master.cf {@code transport} ({@code none} when none was reached). Returns the
   * result as recorded (after soft_bounce).
   */
  RecipientResult record(QueueId id, QueueFile message, Recipient original, String transport,
      RecipientResult result, Timing timing, ProgramLog log) throws IOException {
    RecipientResult r = settings.softBounce() ? softBounce(result) : result;
    TraceFlags trace = TraceFlags.of(message.envelope());
    if (trace.mtaVerify()) {
      probe(id, message, original, r, timing, log);
      return r;
    }
    if (trace.userVerify()) {
      userProbe(id, message, original, r, timing, log);
      return r;
    }
    log.info(statusLine(id, message, r, timing));
    DeliveryMetrics.delivered(transport, r, timing.delays(message.arrivalTime()));
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

  /** Postfix's verify_append: the result goes to the verify service, the recipient is done. */
  private void probe(QueueId id, QueueFile message, Recipient original, RecipientResult r,
      Timing timing, ProgramLog log) throws IOException {
    AddressStatus status = switch (r.status()) {
      case SENT -> AddressStatus.OK;
      case DEFERRED -> AddressStatus.DEFER;
      case BOUNCED -> AddressStatus.BOUNCE;
    };
    DeliveryStatusLine.Status word = status == AddressStatus.OK
        ? DeliveryStatusLine.Status.DELIVERABLE : DeliveryStatusLine.Status.UNDELIVERABLE;
    if (status == AddressStatus.OK || verify.negativeCache()) {
      try {
        String orig = r.recipient().originalRecipient().orElse("");
        if (!orig.isEmpty()) {
          verify.update(orig, status, r.text());
        }
        if (!r.recipient().address().equals(orig)) {
          verify.update(r.recipient().address(), status, r.text());
        }
      } catch (VerifyException e) {
        log.warn(id + ": verify service failure");
        return;
      }
    } else {
      word = DeliveryStatusLine.Status.UNDELIVERABLE_NOT_CACHED;
    }
    log.info(statusLine(id, message, r, timing, word));
    lock.lock();
    try {
      QueueFileMarker.markDone(message.path(), original);
    } finally {
      lock.unlock();
    }
  }

  /**
   * sendmail -bv: every result, whatever it was, goes to the trace log as {@code deliverable} or
   * {@code undeliverable} for the report bounce mails to the sender, and the recipient is done.
   */
  private void userProbe(QueueId id, QueueFile message, Recipient original, RecipientResult r,
      Timing timing, ProgramLog log) throws IOException {
    boolean ok = r.status() == RecipientResult.Status.SENT;
    log.info(statusLine(id, message, r, timing, ok
        ? DeliveryStatusLine.Status.DELIVERABLE : DeliveryStatusLine.Status.UNDELIVERABLE));
    RecipientResult reported = new RecipientResult(r.recipient(), r.status(), r.dsn(), r.relay(),
        r.text(), r.diagnostic(), r.tlsStatus(), ok ? "deliverable" : "undeliverable",
        r.connectionReuses());
    lock.lock();
    try {
      traceLog.append(id, RecipientLog.Entry.of(reported));
      QueueFileMarker.markDone(message.path(), original);
    } finally {
      lock.unlock();
    }
  }

  /** The Postfix delivery status line of {@code r}. */
  String statusLine(QueueId id, QueueFile message, RecipientResult r, Timing timing) {
    return statusLine(id, message, r, timing, status(r.status()));
  }

  private String statusLine(QueueId id, QueueFile message, RecipientResult r, Timing timing,
      DeliveryStatusLine.Status status) {
    Recipient rcpt = r.recipient();
    DeliveryStatusLine line = DeliveryStatusLine.builder(id.value(), rcpt.address())
        .originalRecipient(rcpt.originalRecipient().orElse(""))
        .relay(new Relay(r.relay().isEmpty() ? "none" : r.relay()))
        .reuseCount(r.connectionReuses())
        .delays(timing.delays(message.arrivalTime()))
        .delayLoggingResolutionLimit(settings.delayLoggingResolutionLimit())
        .outcome(r.dsn(), status, r.text());
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
