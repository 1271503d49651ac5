package org.postern.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The queue operations behind postsuper(1): delete, hold, release and requeue by queue id or for
 * a whole queue, the structure check, and the purge of abandoned temporary files. Every move is
 * one rename, so running this beside a live qmgr is safe in the same way as in Postfix: at worst a
 * file that qmgr just finished is not found.
 *
 * <p>Messages for the operator go to {@code info} ({@code 1E2401A2B: removed}) and {@code warn}
 * ({@code bogus file name: incoming/x}), without the program name.
 */
public final class QueueMaintenance {
  /** Temporary files older than this are left over from a crash (Postfix's MAX_TEMP_AGE). */
  static final Duration MAX_TEMP_AGE = Duration.ofDays(1);

  private final Queues queues;
  private final Consumer<String> info;
  private final Consumer<String> warn;

  public QueueMaintenance(Queues queues, Consumer<String> info, Consumer<String> warn) {
    this.queues = queues;
    this.info = info;
    this.warn = warn;
  }

  /** Removes the message and its bounce, defer and trace logs. */
  public boolean delete(QueueId id, List<QueueName> from) throws IOException {
    for (QueueName queue : from) {
      Path file = queues.path(queue, id);
      if (!queue.holdsMessages() || !Files.isRegularFile(file)) {
        continue;
      }
      for (QueueName log : List.of(QueueName.BOUNCE, QueueName.DEFER, QueueName.TRACE)) {
        Files.deleteIfExists(queues.path(log, id));
      }
      if (Files.deleteIfExists(file)) {
        info.accept(id + ": removed");
        return true;
      }
    }
    return false;
  }

  /** Moves the message to hold; maildrop mail is not sanitized yet and cannot be held. */
  public boolean hold(QueueId id, List<QueueName> from) throws IOException {
    for (QueueName queue : from) {
      if (queue.holdsMessages() && queue != QueueName.MAILDROP && queue != QueueName.HOLD
          && queues.move(id, queue, QueueName.HOLD)) {
        info.accept(id + ": placed on hold");
        return true;
      }
    }
    return false;
  }

  /** Moves the message from hold to deferred. */
  public boolean release(QueueId id, List<QueueName> from) throws IOException {
    if (from.contains(QueueName.HOLD) && queues.move(id, QueueName.HOLD, QueueName.DEFERRED)) {
      info.accept(id + ": released from hold");
      return true;
    }
    return false;
  }

  /**
   * Moves the message to maildrop, where pickup hands it to cleanup again: address rewriting and
   * content filters apply anew, and every mark in the file (REQUIRETLS, SMTPUTF8, TLS-Required,
   * DSN parameters, done recipients) is kept, because cleanup copies the records.
   */
  public boolean requeue(QueueId id, List<QueueName> from) throws IOException {
    for (QueueName queue : from) {
      if (queue.holdsMessages() && queue != QueueName.MAILDROP
          && queues.move(id, queue, QueueName.MAILDROP)) {
        touch(queues.path(QueueName.MAILDROP, id));
        info.accept(id + ": requeued");
        return true;
      }
    }
    return false;
  }

  private void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException e) {
      warn.accept(queues.relativeName(file) + ": reset time stamps: " + e.getMessage());
    }
  }

  /** Deletes every file in {@code from}; counts messages, not log files. */
  public int deleteAll(List<QueueName> from) throws IOException {
    int n = 0;
    for (QueueName queue : from) {
      for (Queues.Located f : queues.list(queue)) {
        if (Files.deleteIfExists(f.path()) && queue.holdsMessages()) {
          n++;
        }
      }
    }
    return n;
  }

  public int holdAll(List<QueueName> from) throws IOException {
    return moveAll(from, QueueName.HOLD);
  }

  public int releaseAll(List<QueueName> from) throws IOException {
    return from.contains(QueueName.HOLD) ? moveAll(List.of(QueueName.HOLD), QueueName.DEFERRED) : 0;
  }

  public int requeueAll(List<QueueName> from) throws IOException {
    int n = 0;
    for (QueueName queue : from) {
      if (queue.holdsMessages() && queue != QueueName.MAILDROP) {
        for (Queues.Located f : queues.list(queue)) {
          if (queues.rename(f.path(), queues.path(QueueName.MAILDROP, f.id()), QueueName.MAILDROP)) {
            touch(queues.path(QueueName.MAILDROP, f.id()));
            n++;
          }
        }
      }
    }
    return n;
  }

  private int moveAll(List<QueueName> from, QueueName to) throws IOException {
    int n = 0;
    for (QueueName queue : from) {
      if (queue.holdsMessages() && queue != QueueName.MAILDROP && queue != to) {
        for (Queues.Located f : queues.list(queue)) {
          if (queues.rename(f.path(), queues.path(to, f.id()), to)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /** Removes files in tmp/ older than a day: queue files whose writer died before commit. */
  public int purgeTemporary(Instant now) throws IOException {
    int n = 0;
    Path tmp = queues.directory(QueueName.TMP);
    if (!Files.isDirectory(tmp)) {
      return 0;
    }
    for (Path p : entries(tmp)) {
      try {
        Instant modified = Files.getLastModifiedTime(p).toInstant();
        if (Files.isRegularFile(p) && modified.plus(MAX_TEMP_AGE).isBefore(now)
            && Files.deleteIfExists(p)) {
          n++;
        }
      } catch (NoSuchFileException e) {
        // gone already: a writer committed or abandoned it
      }
    }
    return n;
  }

  static List<Path> entries(Path dir) throws IOException {
    List<Path> list = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(list::add);
    }
    return list;
  }

  /** Runs the structure check (postsuper -s) over {@code which}. */
  public StructureCheck.Result checkStructure(List<QueueName> which) throws IOException {
    return new StructureCheck(queues, warn).run(which);
  }
}
