package org.postern.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * postsuper -s: puts every file where its name says it belongs. A message file whose name does
 * not match its inode number (a queue restored from backup or another machine) gets a new queue
 * id from the same time digits and its inode, its logs renamed first; a file in the wrong hash
 * subdirectory (after a change of hash_queue_names or hash_queue_depth) moves to the right one;
 * subdirectories no longer wanted are removed once empty; other names are reported as bogus.
 */
public final class StructureCheck {
  /** What the check changed. */
  public record Result(int renamedToMatchInode, int moved) {}

  private static final List<QueueName> LOGS =
      List.of(QueueName.BOUNCE, QueueName.DEFER, QueueName.TRACE);

  private final Queues queues;
  private final Consumer<String> warn;
  private int renamed;
  private int moved;

  StructureCheck(Queues queues, Consumer<String> warn) {
    this.queues = queues;
    this.warn = warn;
  }

  Result run(List<QueueName> which) throws IOException {
    for (QueueName queue : which) {
      Path top = queues.directory(queue);
      if (Files.isDirectory(top)) {
        walk(queue, top, 0);
      }
    }
    return new Result(renamed, moved);
  }

  private void walk(QueueName queue, Path dir, int depth) throws IOException {
    int wanted = queues.hashDepth(queue);
    for (Path p : QueueMaintenance.entries(dir)) {
      String name = p.getFileName().toString();
      if (Files.isDirectory(p)) {
        if (name.length() == 1 && queue != QueueName.MAILDROP) {
          walk(queue, p, depth + 1);
          if (depth + 1 > wanted && QueueMaintenance.entries(p).isEmpty()) {
            Files.deleteIfExists(p);
          }
        }
      } else if (!QueueId.isValid(name)) {
        if (queue != QueueName.MAILDROP || !name.startsWith(Queues.MAILDROP_TEMPORARY_PREFIX)) {
          warn.accept("bogus file name: " + queues.relativeName(p)); // not sendmail at work
        }
      } else {
        check(queue, p, QueueId.of(name));
      }
    }
  }

  private void check(QueueName queue, Path actual, QueueId id) throws IOException {
    if (queue.holdsMessages()) {
      long inode = (Long) Files.getAttribute(actual, "unix:ino");
      if (id.inode() != inode) {
        QueueId fixed = id.withInode(inode);
        for (QueueName log : LOGS) {
          Path old = queues.path(log, id);
          if (Files.exists(old)) {
            queues.rename(old, queues.path(log, fixed), log);
          }
        }
        if (queues.rename(actual, queues.path(queue, fixed), queue)) {
          renamed++;
        }
        return;
      }
    }
    Path wanted = queues.path(queue, id);
    if (!wanted.equals(actual) && queues.rename(actual, wanted, queue)) {
      moved++;
    }
  }
}
