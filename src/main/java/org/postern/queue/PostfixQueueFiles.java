package org.postern.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Postfix's own queue files in a Postern queue directory: an operator who points Postern at the
 * queue_directory Postfix used (or copies Postfix's queue over) has mail in there that Postern
 * cannot read. The master refuses to start on such a queue, and says what to do, rather than
 * quarantine the operator's mail in {@code corrupt/} as unreadable.
 *
 * <p>The formats differ from the first bytes on. A Postern queue file starts with its size record,
 * {@code C} and a four-byte big-endian length (docs/queue-format.md), so its second byte is 0.
 * Postfix's record length is a base-128 number, low 7 bits first (record.c), and its files start
 * with a size record of decimal fields ({@code C}, cleanup's files) or an arrival time record
 * ({@code T}, postdrop's maildrop files): a type byte, a length byte from 1 to 127, then that many
 * digits and spaces.
 *
 * <p>Failure: an unreadable directory or file is an IOException; a file that vanishes while
 * looked at (delivered meanwhile) is skipped.
 */
public final class PostfixQueueFiles {
  private static final int HASH_LEVELS = 16;

  private PostfixQueueFiles() {}

  /**
   * Why Postern must not start on {@code queues}, if any of its message queues holds a Postfix
   * queue file: the message names the queue directory, a file and how many there are.
   */
  public static Optional<String> refusal(Queues queues) throws IOException {
    List<Path> found = find(queues);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("queue_directory " + queues.root() + " holds " + found.size()
        + " Postfix queue file" + (found.size() > 1 ? "s" : "") + " (" + queues.relativeName(
            found.get(0)) + (found.size() > 1 ? ", ..." : "") + "), which Postern cannot read;"
        + " it leaves them alone and does not start. Deliver them with Postfix first (postfix"
        + " flush, until postqueue -p shows an empty queue), or move them out of the queue, or"
        + " set queue_directory to a directory of Postern's own");
  }

  /** The Postfix queue files in the message queues (maildrop, incoming, active, deferred, hold). */
  public static List<Path> find(Queues queues) throws IOException {
    List<Path> found = new ArrayList<>();
    for (QueueName queue : QueueName.values()) {
      Path dir = queues.directory(queue);
      if (!queue.holdsMessages() || !Files.isDirectory(dir)) {
        continue;
      }
      // Any depth of hash subdirectory: Postfix's hash_queue_depth may not be Postern's.
      try (Stream<Path> files = Files.walk(dir, HASH_LEVELS)) {
        for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          if (isPostfixQueueFile(file)) {
            found.add(file);
          }
        }
      }
    }
    return found;
  }

  /** Whether {@code file} starts as Postfix's queue files start (see the class comment). */
  public static boolean isPostfixQueueFile(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(2 + 127);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (head.length < 3 || (head[0] != 'C' && head[0] != 'T')) {
      return false;
    }
    int length = head[1];
    if (length < 1 || head.length < 2 + length) {
      return false; // 0: Postern's four-byte length; negative: a continuation bit
    }
    for (int i = 2; i < 2 + length; i++) {
      if (head[i] != ' ' && (head[i] < '0' || head[i] > '9')) {
        return false;
      }
    }
    return true;
  }
}
