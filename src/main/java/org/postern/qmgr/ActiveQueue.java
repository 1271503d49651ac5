package org.postern.qmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.deliver.RecipientLog;
import org.postern.log.ProgramLog;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;

/**
 * The bounded active queue (Postfix's qmgr_active): which files move from incoming and deferred
 * into {@code active/}, one rename each, before anything is delivered.
 *
 * <p>At most {@code qmgr_message_active_limit} messages and, unless the queue is empty, {@code
 * qmgr_message_recipient_limit} pending recipients are active at once (Postern takes a message's
 * recipients all at once, where Postfix reads them in slices). A scan that stops at a limit
 * leaves the rest in place and asks for another scan when room is made. Deferred files are due
 * when their modification time, the next attempt time, has come, unless the scan ignores time
 * stamps ({@code postqueue -f}). The hold queue is never scanned.
 *
 * <p>Failure: a file that fails validation goes to {@code corrupt/} with a warning; one that
 * vanished meanwhile (postsuper) is skipped.
 */
final class ActiveQueue {
  private final Queues queues;
  private final QmgrSettings settings;
  private final Clock clock;
  private final ProgramLog log;
  private final ReentrantLock lock = new ReentrantLock();
  private int messages;
  private int recipients;
  private boolean backlog;

  ActiveQueue(Queues queues, QmgrSettings settings, Clock clock, ProgramLog log) {
    this.queues = queues;
    this.settings = settings;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Crash recovery, as Postfix's qmgr does at start: whatever is in {@code active/} was being
   * delivered when the last qmgr stopped; it goes back to {@code incoming/} and is read again.
   * Recipients marked done stay done.
   */
  void recover() throws IOException {
    FileTime now = FileTime.from(clock.instant());
    for (Queues.Located f : queues.list(QueueName.ACTIVE)) {
      try {
        Files.setLastModifiedTime(f.path(), now);
      } catch (NoSuchFileException e) {
        continue;
      }
      queues.move(f.id(), QueueName.ACTIVE, QueueName.INCOMING);
    }
  }

  /**
   * Moves due files of {@code queue} into the active queue, as far as the limits allow. A file
   * that cannot be read or moved is left where it is with a warning, for the next scan: the scan
   * carries on, so the messages it already moved into {@code active/} are returned, never
   * stranded there with no run and their room in the limits taken.
   */
  List<ActiveMessage> feed(QueueName queue, boolean ignoreTimes, boolean flush) throws IOException {
    List<ActiveMessage> admitted = new ArrayList<>();
    Instant now = clock.instant();
    List<Queues.Located> files = new ArrayList<>(queues.list(queue));
    files.sort(Comparator.comparing(f -> f.id().value()));
    for (Queues.Located f : files) {
      Optional<QueueFile> read;
      try {
        if (!ignoreTimes && queue == QueueName.DEFERRED && !due(f, now)) {
          continue;
        }
        read = read(f);
      } catch (IOException e) {
        log.warn(f.id() + ": read " + f.path() + ": " + e.getMessage());
        continue;
      }
      if (read.isEmpty()) {
        continue;
      }
      int n = read.get().pendingRecipients().size();
      if (!admit(n)) {
        break;
      }
      if (!moveToActive(f, n)) {
        continue;
      }
      forgetDeferReasons(f.id());
      QueueFile q = read.get();
      QueueFile active = new QueueFile(queues.path(QueueName.ACTIVE, f.id()), q.arrivalTime(),
          q.envelope(), q.extracted(), q.messageSize(), q.contentOffset(), q.extractedOffset());
      admitted.add(new ActiveMessage(f.id(), active, clock.instant(), n, flush));
    }
    return admitted;
  }

  /** The queue file, or empty when it vanished meanwhile (postsuper) or went to corrupt/. */
  private Optional<QueueFile> read(Queues.Located f) throws IOException {
    Optional<QueueFile> read;
    try {
      read = QueueFileReader.readOrSaveCorrupt(queues, f);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (read.isEmpty()) {
      log.warn("saving corrupt file \"" + f.id() + "\" from queue \"" + f.queue()
          + "\" to queue \"" + QueueName.CORRUPT + "\"");
    }
    return read;
  }

  /** The rename into active/ of an admitted file; on failure its room is given back. */
  private boolean moveToActive(Queues.Located f, int recipients) {
    try {
      if (queues.move(f.id(), f.queue(), QueueName.ACTIVE)) {
        return true;
      }
    } catch (IOException e) {
      log.warn(f.id() + ": rename from " + f.queue() + " to " + QueueName.ACTIVE + ": "
          + e.getMessage());
    }
    release(recipients);
    return false;
  }

  /**
   * A message entering the active queue starts a new attempt: the reasons of earlier attempts
   * go, as Postfix's qmgr removes defer/ID, so a delay warning or the queue listing reports each
   * recipient once, with its latest reason.
   */
  private void forgetDeferReasons(QueueId id) {
    try {
      RecipientLog.defer(queues).delete(id);
    } catch (IOException e) {
      log.warn(id + ": remove defer log: " + e.getMessage());
    }
  }

  /** A message left the active queue; true when a scan stopped at a limit since the last call. */
  boolean release(ActiveMessage m) {
    release(m.recipients());
    lock.lock();
    try {
      boolean more = backlog;
      backlog = false;
      return more;
    } finally {
      lock.unlock();
    }
  }

  // Visible for testing
  int messages() {
    lock.lock();
    try {
      return messages;
    } finally {
      lock.unlock();
    }
  }

  private boolean admit(int n) {
    lock.lock();
    try {
      boolean room = messages < settings.messageActiveLimit()
          && (recipients == 0 || recipients + n <= settings.messageRecipientLimit());
      if (!room) {
        backlog = true;
        return false;
      }
      messages++;
      recipients += n;
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void release(int n) {
    lock.lock();
    try {
      messages--;
      recipients -= n;
    } finally {
      lock.unlock();
    }
  }

  private static boolean due(Queues.Located f, Instant now) throws IOException {
    try {
      return !Files.getLastModifiedTime(f.path()).toInstant().isAfter(now);
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
