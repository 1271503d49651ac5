package org.postern.qmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.deliver.Notifier;
import org.postern.deliver.RecipientLog;
import org.postern.deliver.RecipientResult;
import org.postern.log.ProgramLog;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileMarker;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/**
 * What becomes of a message once every delivery of the run has ended (Postfix's
 * qmgr_active_done), read from the queue file itself, not from memory:
 *
 * <ul>
 *   <li>Recipients still pending and the message older than {@code maximal_queue_lifetime}
 *       ({@code bounce_queue_lifetime} for the null sender): it expires. qmgr logs {@code
 *       from=<sender>, status=expired, returned to sender}, moves each pending recipient to the
 *       bounce log with its last deferral reason, marks it done, and the message is complete.
 *   <li>None pending: the bounce service sends what the bounce log and trace log ask for, then
 *       the queue file, its logs and its warning marker are removed ({@code removed}).
 *   <li>Some pending: a delayed-mail warning once it is due ({@code delay_warning_time}, see
 *       {@link DelayWarnings}), then the file goes to {@code deferred/} with its next attempt
 *       time. As in Postfix the wait is the message's age, bounded by {@code
 *       minimal_backoff_time} and {@code maximal_backoff_time}, so that waits double from one
 *       attempt to the next; and as Postfix does, both the modification time (which the
 *       deferred scan compares with the clock) and the access time of the file are set to the
 *       next attempt time.
 * </ul>
 *
 * <p>Failure: a notification that fails leaves the message deferred with its logs, so the next
 * run tries again; other I/O errors propagate.
 */
final class MessageCompletion {
  private final QmgrSettings settings;
  private final Queues queues;
  private final Notifier notifier;
  private final ProgramLog log;
  private final Clock clock;
  private final DelayWarnings warnings;
  private final RecipientLog bounceLog;
  private final RecipientLog deferLog;
  private final RecipientLog traceLog;

  MessageCompletion(
      QmgrSettings settings, Queues queues, Notifier notifier, ProgramLog log, Clock clock) {
    this.settings = settings;
    this.queues = queues;
    this.notifier = notifier;
    this.log = log;
    this.clock = clock;
    this.warnings = new DelayWarnings(queues);
    this.bounceLog = RecipientLog.bounce(queues);
    this.deferLog = RecipientLog.defer(queues);
    this.traceLog = RecipientLog.trace(queues);
  }

  /** Ends the run of {@code message}; {@code deferred} holds this run's deferrals by offset. */
  void finish(QueueId id, QueueFile message, Map<Long, RecipientResult> deferred)
      throws IOException {
    List<Recipient> pending = reread(message).pendingRecipients();
    Instant now = clock.instant();
    String sender = message.envelope().sender();
    if (!pending.isEmpty() && !now.isBefore(message.arrivalTime().plus(settings.lifetime(sender)))) {
      log.info(id + ": from=<" + sender + ">, status=expired, returned to sender");
      expire(id, message, pending, deferred);
      pending = List.of();
    }
    if (pending.isEmpty() && notify(id, message)) {
      remove(id, message);
      return;
    }
    if (!pending.isEmpty()) {
      warnIfDue(id, message, now);
    }
    defer(id, message.path(), backoff(message.arrivalTime(), now), now);
  }

  /** Moves a message to deferred/ for {@code delay}, as after a failed run. */
  void defer(QueueId id, Path activeFile, Duration delay, Instant now) throws IOException {
    FileTime next = FileTime.from(now.plus(delay));
    Files.getFileAttributeView(activeFile, BasicFileAttributeView.class).setTimes(next, next, null);
    if (!queues.move(id, QueueName.ACTIVE, QueueName.DEFERRED)) {
      log.warn(id + ": rename from " + QueueName.ACTIVE + " to " + QueueName.DEFERRED
          + ": file is gone");
    }
  }

  /** The wait before the next attempt: the message's age within the backoff bounds. */
  Duration backoff(Instant arrival, Instant now) {
    Duration age = Duration.between(arrival, now);
    if (age.compareTo(settings.maximalBackoffTime()) > 0) {
      return settings.maximalBackoffTime();
    }
    if (age.compareTo(settings.minimalBackoffTime()) < 0) {
      return settings.minimalBackoffTime();
    }
    return age;
  }

  private static QueueFile reread(QueueFile message) throws IOException {
    try (QueueFileReader reader = QueueFileReader.open(message.path())) {
      return reader.queueFile();
    }
  }

  private void expire(QueueId id, QueueFile message, List<Recipient> pending,
      Map<Long, RecipientResult> deferred) throws IOException {
    Map<Long, RecipientLog.Entry> logged = new HashMap<>();
    for (RecipientLog.Entry e : deferLog.read(id)) {
      logged.put(e.offset(), e); // the latest entry of each recipient wins
    }
    for (Recipient r : pending) {
      RecipientResult last = deferred.get(r.offset());
      RecipientLog.Entry reason = last != null ? RecipientLog.Entry.of(last) : logged.get(r.offset());
      bounceLog.append(id, expired(r, Optional.ofNullable(reason)));
      QueueFileMarker.markDone(message.path(), r);
    }
  }

  private static RecipientLog.Entry expired(Recipient r, Optional<RecipientLog.Entry> reason) {
    return new RecipientLog.Entry(
        reason.map(RecipientLog.Entry::recipient).orElse(r.address()),
        r.originalRecipient(), r.dsnOrcpt(), r.notifyFlags(), r.offset(),
        RecipientResult.Status.BOUNCED,
        reason.map(RecipientLog.Entry::dsn).orElse("4.4.7"),
        "failed",
        reason.map(RecipientLog.Entry::relay).orElse("none"),
        reason.map(RecipientLog.Entry::text).orElse("message expired"),
        reason.flatMap(RecipientLog.Entry::diagnostic));
  }

  /** Sends the bounce and success notices; false when one failed and must be tried again. */
  private boolean notify(QueueId id, QueueFile message) {
    try {
      if (Files.exists(bounceLog.path(id))) {
        notifier.bounce(message);
      }
      if (Files.exists(traceLog.path(id))) {
        notifier.success(message);
      }
      return true;
    } catch (IOException e) {
      log.warn(id + ": notification failed, message deferred: " + e.getMessage());
      return false;
    }
  }

  private void warnIfDue(QueueId id, QueueFile message, Instant now) throws IOException {
    Duration warnAfter = settings.delayWarningTime();
    if (warnAfter.isZero() || now.isBefore(message.arrivalTime().plus(warnAfter))
        || warnings.sent(id, message)) {
      return;
    }
    try {
      notifier.delayWarning(message);
      warnings.markSent(id, message);
    } catch (IOException e) {
      log.warn(id + ": delayed mail warning failed: " + e.getMessage());
    }
  }

  private void remove(QueueId id, QueueFile message) throws IOException {
    // Logs first: a crash in between leaves a file with every recipient done, removed next run.
    bounceLog.delete(id);
    deferLog.delete(id);
    traceLog.delete(id);
    warnings.forget(id);
    Files.deleteIfExists(message.path());
    log.info(id + ": removed");
  }
}
