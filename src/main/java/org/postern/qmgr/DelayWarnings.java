package org.postern.qmgr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueId;
import org.postern.queue.Queues;

/**
 * Remembers that the delayed-mail warning of a message was sent, so that it is sent once.
 * Postfix rewrites a WARN record in the queue file; Postern's queue files are not rewritten
 * after commit (only done marks are flipped), so qmgr keeps a marker file instead:
 * {@code $queue_directory/warn/QUEUEID}, holding the message's arrival time in microseconds since
 * the epoch. A marker whose time differs from the message's belongs to an earlier message that
 * had the same queue id, and is ignored. qmgr removes the marker with the message.
 *
 * <p>Failure: I/O errors propagate; a marker that cannot be read counts as absent (the warning
 * may then be sent twice, never not at all).
 */
final class DelayWarnings {
  static final String DIRECTORY = "warn";

  private final Path directory;

  DelayWarnings(Queues queues) {
    this.directory = queues.root().resolve(DIRECTORY);
  }

  boolean sent(QueueId id, QueueFile message) throws IOException {
    try {
      String text = Files.readString(path(id), StandardCharsets.US_ASCII).strip();
      return text.equals(stamp(message.arrivalTime()));
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  void markSent(QueueId id, QueueFile message) throws IOException {
    Files.createDirectories(directory);
    Files.writeString(path(id), stamp(message.arrivalTime()) + "\n", StandardCharsets.US_ASCII);
  }

  void forget(QueueId id) throws IOException {
    Files.deleteIfExists(path(id));
  }

  private Path path(QueueId id) {
    return directory.resolve(id.value());
  }

  private static String stamp(Instant t) {
    return Long.toString(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
  }
}
