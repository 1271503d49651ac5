package org.postern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.regex.Pattern;
import org.postern.pickup.PickupTrigger;
import org.postern.qmgr.QmgrRequest;
import org.postern.qmgr.QmgrTrigger;
import org.postern.queue.CorruptQueueFileException;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.QueueId;
import org.postern.queue.Recipient;

/**
 * The flush requests of postqueue(1): {@code -f} asks qmgr to forget dead destinations and scan
 * the whole deferred queue now (and wakes pickup for maildrop); {@code -i} and {@code -s} do what
 * Postfix's flush(8) server does for a queue file: set its time stamps to now and move it from
 * deferred to incoming, then ask qmgr to scan incoming.
 *
 * <p>Differences from Postfix: there is no flush(8) service and no per-site fast flush log, so
 * {@code -s site} selects the deferred messages that have a pending recipient whose domain is
 * {@code site} (Postfix selects by the next-hop site that delivery logged, and only for {@code
 * fast_flush_domains}). Before moving anything, {@code -i} and {@code -s} send qmgr {@code F}
 * (forget dead destinations), which doubles as the check that the mail system is up; Postfix
 * lifts only the throttles that the flushed messages meet.
 *
 * <p>Failure: each method answers false when qmgr (or pickup) does not accept the request, the
 * caller's "mail system is down". A file that vanished meanwhile is skipped; I/O errors on the
 * queue propagate naming the file.
 */
final class QueueFlush {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("IPv6:[0-9A-Fa-f:.]+");

  private final Queues queues;
  private final Clock clock;

  QueueFlush(Queues queues, Clock clock) {
    this.queues = queues;
    this.clock = clock;
  }

  /** {@code postqueue -f}: Postfix's mail_flush_deferred, then mail_flush_maildrop. */
  boolean flushQueue() {
    return QmgrTrigger.send(queues, QmgrTrigger.FLUSH) && PickupTrigger.wake(queues);
  }

  /** {@code postqueue -i}: schedules one deferred message now. */
  boolean flushFile(QueueId id) throws IOException {
    if (!QmgrTrigger.send(queues, QmgrRequest.FLUSH_DEAD)) {
      return false;
    }
    return !schedule(id) || QmgrTrigger.send(queues, QmgrRequest.SCAN_INCOMING);
  }

  /** {@code postqueue -s}: schedules the deferred messages with a recipient in {@code site}. */
  boolean flushSite(String site) throws IOException {
    if (!QmgrTrigger.send(queues, QmgrRequest.FLUSH_DEAD)) {
      return false;
    }
    int count = 0;
    for (Queues.Located f : queues.list(QueueName.DEFERRED)) {
      if (hasRecipientIn(f.path(), site) && schedule(f.id())) {
        count++;
      }
    }
    return count == 0 || QmgrTrigger.send(queues, QmgrRequest.SCAN_INCOMING);
  }

  /**
   * Makes the file of {@code id} due now and moves it to incoming, as flush(8)'s flush_one_file;
   * true when it was found in deferred or (moved there by a concurrent flush) in incoming.
   */
  private boolean schedule(QueueId id) throws IOException {
    FileTime now = FileTime.from(clock.instant());
    for (QueueName queue : new QueueName[] {QueueName.DEFERRED, QueueName.INCOMING}) {
      Path path = queues.path(queue, id);
      try {
        Files.setLastModifiedTime(path, now);
      } catch (NoSuchFileException e) {
        continue;
      }
      if (queue == QueueName.DEFERRED) {
        queues.move(id, QueueName.DEFERRED, QueueName.INCOMING);
      }
      return true;
    }
    return false;
  }

  private static boolean hasRecipientIn(Path file, String site) throws IOException {
    try (QueueFileReader reader = QueueFileReader.open(file)) {
      for (Recipient r : reader.queueFile().pendingRecipients()) {
        String a = r.address();
        if (a.substring(a.lastIndexOf('@') + 1).equalsIgnoreCase(site)) {
          return true;
        }
      }
      return false;
    } catch (NoSuchFileException | CorruptQueueFileException e) {
      return false; // gone meanwhile, or not ours to deliver: qmgr sets corrupt files aside
    }
  }

  /** Postfix's valid_hostname() or valid_mailhost_literal(), for {@code -s site}. */
  static boolean validSite(String site) {
    if (site.startsWith("[")) {
      if (!site.endsWith("]") || site.length() < 3) {
        return false;
      }
      String inner = site.substring(1, site.length() - 1);
      return IPV4.matcher(inner).matches() || IPV6.matcher(inner).matches();
    }
    if (site.isEmpty() || site.length() > 255) {
      return false;
    }
    boolean numeric = true;
    for (String label : site.split("\\.", -1)) {
      if (label.length() > 63 || !LABEL.matcher(label).matches()) {
        return false;
      }
      numeric &= label.chars().allMatch(Character::isDigit);
    }
    return !numeric;
  }
}
