package org.postern.pickup;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.postern.queue.CorruptQueueFileException;
import org.postern.queue.Envelope;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;

/**
 * One pass of pickup over maildrop: every complete file is read, validated and handed to cleanup
 * with a Received: header in front of its content. The pass repeats while it removed files, as
 * Postfix's pickup does, so mail dropped during a pass is not left waiting for the next trigger.
 *
 * <p>Security: maildrop is writable by every local user. A file is taken only when it is a
 * regular file with one link (no symbolic link is followed, no hard link to someone else's file
 * is read), the submitting user is the file's owner (logged as {@code uid=N} and named in the
 * Received: header), the file is read through one descriptor, and what only the mail system may
 * say is dropped from a user's file by {@link SubmissionFilter}. Names that are no queue id are
 * sendmail's files in progress: ignored, and removed once a day old.
 *
 * <p>Failure: a file that breaks the queue file format is moved to the corrupt queue with a
 * warning (Postfix deletes it; keeping it lets the postmaster look). A file that disappeared
 * meanwhile is skipped. Cleanup's temporary failures and I/O errors keep the file for a later
 * pass; a permanent failure removes it, since cleanup has dealt with the sender.
 */
final class MaildropScanner {
  private static final Duration FUTURE_SLACK = Duration.ofHours(2);
  private static final Duration DAY = Duration.ofDays(1);
  private static final String OWNERSHIP =
      "unix:uid,owner,lastModifiedTime,ino,nlink,isRegularFile";
  private static final String STALENESS = "unix:uid,lastModifiedTime,isDirectory";
  private static final DateTimeFormatter MAIL_DATE =
      DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss xx (zzz)", Locale.ENGLISH);

  /** What happened to one maildrop file. */
  private enum Disposition {
    REMOVED,
    KEPT
  }

  private final Queues queues;
  private final CleanupSink cleanup;
  private final PickupSettings settings;
  private final PickupLog log;
  private final Clock clock;
  private final long ownUid;

  MaildropScanner(
      Queues queues, CleanupSink cleanup, PickupSettings settings, PickupLog log, Clock clock) {
    this(queues, cleanup, settings, log, clock, new UnixSystem().getUid());
  }

  /** {@code ownUid}: the user the daemon runs as, whose files are the mail system's own. */
  MaildropScanner(Queues queues, CleanupSink cleanup, PickupSettings settings, PickupLog log,
      Clock clock, long ownUid) {
    this.queues = queues;
    this.cleanup = cleanup;
    this.settings = settings;
    this.log = log;
    this.clock = clock;
    this.ownUid = ownUid;
  }

  /**
   * Scans until a pass removes nothing or {@code keepGoing} turns false; first removes temporary
   * files that sendmail left a day ago or earlier.
   */
  void scan(BooleanSupplier keepGoing) throws IOException {
    removeStaleTemporaries();
    int removed;
    do {
      removed = 0;
      for (Queues.Located file : queues.list(QueueName.MAILDROP)) {
        if (!keepGoing.getAsBoolean()) {
          return;
        }
        if (pickup(file) == Disposition.REMOVED) {
          removed++;
        }
      }
    } while (removed > 0 && keepGoing.getAsBoolean());
  }

  private Disposition pickup(Queues.Located file) throws IOException {
    try {
      Map<String, Object> attrs = Files.readAttributes(file.path(), OWNERSHIP, NOFOLLOW_LINKS);
      long uid = ((Number) attrs.get("uid")).longValue();
      if (!(Boolean) attrs.get("isRegularFile")) {
        log.warning(relative(file) + ": uid " + uid + ": not a regular file");
        return remove(file);
      }
      int links = ((Number) attrs.get("nlink")).intValue();
      if (links > 1) { // a hard link to a file owned by someone else
        log.warning(relative(file) + ": uid " + uid + ": file has " + links + " links");
        return remove(file);
      }
      try (QueueFileReader reader = QueueFileReader.open(file.path(), NOFOLLOW_LINKS)) {
        reader.readContent((data, complete) -> {}); // the whole file is valid before handover
        if (!attrs.get("ino").equals(Files.getAttribute(file.path(), "unix:ino", NOFOLLOW_LINKS))) {
          log.warning(relative(file) + ": uid " + uid + ": file has changed");
          return Disposition.KEPT;
        }
        return handOver(file, reader, origin(file, attrs));
      }
    } catch (NoSuchFileException e) {
      return Disposition.KEPT; // postsuper or another pickup took it
    } catch (CorruptQueueFileException e) {
      return saveCorrupt(file, e);
    } catch (IOException e) { // for example a user's file without read permission
      log.warning(relative(file) + ": cannot read: " + e.getMessage());
      return Disposition.KEPT;
    }
  }

  private PickupOrigin origin(Queues.Located file, Map<String, Object> attrs) {
    long uid = ((Number) attrs.get("uid")).longValue();
    boolean requeued = ((UserPrincipal) attrs.get("owner")).getName().equals(settings.mailOwner());
    Instant dropTime = checkTime(file.id(), ((FileTime) attrs.get("lastModifiedTime")).toInstant());
    return new PickupOrigin(uid, dropTime, file.id(), requeued);
  }

  /**
   * Whether the file comes from the mail system itself (root, the user the daemon runs as, or
   * {@code mail_owner}: {@code postsuper -r}) rather than from an ordinary user.
   */
  private boolean privileged(PickupOrigin origin) {
    return origin.uid() == 0 || origin.uid() == ownUid || origin.requeued();
  }

  private Disposition handOver(Queues.Located file, QueueFileReader reader, PickupOrigin origin)
      throws IOException {
    QueueFile queueFile = reader.queueFile();
    Envelope envelope = SubmissionFilter.filter(queueFile.envelope(), origin.uid(),
        privileged(origin), log::warning);
    CleanupVerdict verdict;
    try (CleanupSink.Submission submission = cleanup.open()) {
      QueueId id = submission.queueId();
      log.info(id + ": uid=" + origin.uid() + " from=<" + envelope.sender() + ">"
          + (origin.requeued() ? " orig_id=" + file.id() : ""));
      submission.envelope(origin, envelope, queueFile.extracted());
      OutputStream content = submission.content();
      received(content, id, origin);
      copyContent(reader, content);
      verdict = submission.commit();
    } catch (NoSuchFileException e) {
      return Disposition.KEPT;
    } catch (CorruptQueueFileException e) {
      return saveCorrupt(file, e);
    } catch (IOException e) {
      log.warning(relative(file) + ": cannot hand over to cleanup: " + e.getMessage());
      return Disposition.KEPT;
    }
    return switch (verdict) {
      case CleanupVerdict.Queued q -> remove(file);
      case CleanupVerdict.Defer d -> {
        log.warning(relative(file) + ": " + d.reply());
        yield Disposition.KEPT;
      }
      case CleanupVerdict.Reject r -> {
        log.warning(relative(file) + ": " + r.reply());
        yield remove(file);
      }
    };
  }

  /**
   * Removes what an interrupted sendmail left: a file in maildrop whose name is no queue id and
   * that has not changed for a day. Younger ones may still be written and are left alone.
   */
  private void removeStaleTemporaries() throws IOException {
    Path maildrop = queues.directory(QueueName.MAILDROP);
    if (!Files.isDirectory(maildrop)) {
      return;
    }
    Instant cutoff = clock.instant().minus(DAY);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(maildrop)) {
      for (Path p : entries) {
        if (!QueueId.isValid(p.getFileName().toString())) {
          removeIfStale(p, cutoff);
        }
      }
    }
  }

  private void removeIfStale(Path p, Instant cutoff) {
    try {
      Map<String, Object> attrs = Files.readAttributes(p, STALENESS, NOFOLLOW_LINKS);
      if (!(Boolean) attrs.get("isDirectory")
          && ((FileTime) attrs.get("lastModifiedTime")).toInstant().isBefore(cutoff)) {
        Files.deleteIfExists(p);
        log.warning(queues.relativeName(p) + ": uid " + attrs.get("uid")
            + ": removed stale temporary file");
      }
    } catch (NoSuchFileException e) {
      // renamed to its queue id, or abandoned, meanwhile
    } catch (IOException e) {
      log.warning("remove " + queues.relativeName(p) + ": " + e.getMessage());
    }
  }

  /** Postfix's trace header: the uid, not the login name, and the maildrop time. */
  private void received(OutputStream out, QueueId id, PickupOrigin origin) throws IOException {
    String date = MAIL_DATE.format(ZonedDateTime.ofInstant(origin.dropTime(), clock.getZone()));
    String header = "Received: by " + settings.myhostname() + " (" + settings.mailName()
        + ", from userid " + origin.uid() + ")\n\tid " + id + "; " + date + "\n";
    out.write(header.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Copies the content lines. A first line that starts with white space would read as a
   * continuation of our Received: header, so an empty line goes before it (as Postfix does).
   */
  private static void copyContent(QueueFileReader reader, OutputStream out) throws IOException {
    boolean[] first = {true};
    reader.readContent((data, complete) -> {
      if (first[0]) {
        first[0] = false;
        if (data.length > 0 && (data[0] == ' ' || data[0] == '\t')) {
          out.write('\n');
        }
      }
      out.write(data);
      if (complete) {
        out.write('\n');
      }
    });
  }

  /** Postfix's guard against time-warped files: warn, and do not trust a future time. */
  private Instant checkTime(QueueId id, Instant mtime) {
    Instant now = clock.instant();
    if (mtime.isAfter(now.plus(FUTURE_SLACK))) {
      log.warning(id + ": message dated " + Duration.between(now, mtime).toSeconds()
          + " seconds into the future");
      return now;
    }
    if (mtime.isBefore(now.minus(DAY))) {
      log.warning(id + ": message has been queued for "
          + Duration.between(mtime, now).toDays() + " days");
    }
    return mtime;
  }

  private Disposition saveCorrupt(Queues.Located file, CorruptQueueFileException e)
      throws IOException {
    log.warning(file.id() + ": corrupt queue file: " + e.getMessage());
    log.warning("saving corrupt file \"" + file.id() + "\" from queue \"" + QueueName.MAILDROP
        + "\" to queue \"" + QueueName.CORRUPT + "\"");
    queues.move(file.id(), QueueName.MAILDROP, QueueName.CORRUPT);
    return Disposition.REMOVED;
  }

  private Disposition remove(Queues.Located file) {
    try {
      Files.deleteIfExists(file.path());
      return Disposition.REMOVED;
    } catch (IOException e) {
      log.warning("remove " + relative(file) + ": " + e.getMessage());
      return Disposition.KEPT;
    }
  }

  private String relative(Queues.Located file) {
    return queues.relativeName(file.path());
  }
}
