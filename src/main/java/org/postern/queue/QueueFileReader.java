package org.postern.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a queue file back. {@link #open} validates the envelope and extracted segments and the
 * end marker without reading the content; {@link #readContent} streams the content records one
 * line at a time and validates them on the way. {@link #forEachRecord} walks every record in file
 * order, for postcat.
 *
 * <p>Failure: a file that breaks the format raises {@link CorruptQueueFileException} with the
 * offset and reason (no end marker, a truncated record, a record out of place, sizes that do not
 * match); other I/O errors propagate as they are. See {@link Queues#saveCorrupt} for what callers
 * do with a corrupt file.
 */
public final class QueueFileReader implements AutoCloseable {
  /** Receives content lines; {@code complete} is false for the leading parts of a long line. */
  @FunctionalInterface
  public interface LineHandler {
    void line(byte[] data, boolean complete) throws IOException;
  }

  /** Receives records in file order. */
  @FunctionalInterface
  public interface RecordHandler {
    void record(QueueRecord record) throws IOException;
  }

  private final FileChannel channel;
  private final RecordInput input;
  private final QueueFile queueFile;

  private QueueFileReader(FileChannel channel, RecordInput input, QueueFile queueFile) {
    this.channel = channel;
    this.input = input;
    this.queueFile = queueFile;
  }

  /**
   * Opens and validates everything but the content lines. {@code LinkOption.NOFOLLOW_LINKS}
   * refuses a symbolic link, for directories that others can write (maildrop).
   */
  public static QueueFileReader open(Path file, LinkOption... links) throws IOException {
    Set<OpenOption> options = new HashSet<>(List.of(links));
    options.add(StandardOpenOption.READ);
    FileChannel channel = FileChannel.open(file, options);
    try {
      RecordInput input = RecordInput.of(channel, file);
      return new QueueFileReader(channel, input, parse(file, channel.size(), input));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens, validates, closes: the whole file including every content record. */
  public static QueueFile read(Path file) throws IOException {
    try (QueueFileReader reader = open(file)) {
      reader.readContent((data, complete) -> {});
      return reader.queueFile();
    }
  }

  /**
   * Reads and fully validates a file found in a queue; a corrupt one is moved to the corrupt
   * queue with a warning and reported as empty, so that the caller simply skips it.
   */
  public static Optional<QueueFile> readOrSaveCorrupt(Queues queues, Queues.Located file)
      throws IOException {
    try {
      return Optional.of(read(file.path()));
    } catch (CorruptQueueFileException e) {
      queues.saveCorrupt(file, e.getMessage());
      return Optional.empty();
    }
  }

  public QueueFile queueFile() {
    return queueFile;
  }

  private static QueueFile parse(Path file, long fileSize, RecordInput input) throws IOException {
    SizeRecord size = SizeRecord.read(input, fileSize);
    SegmentParser envelope = SegmentParser.envelope(input);
    QueueRecord r = input.require("content marker");
    while (r.type() != RecordType.MESSAGE) {
      envelope.accept(r);
      r = input.require("content marker");
    }
    expectEmpty(input, r);
    if (input.position() != size.contentOffset()) {
      throw input.corrupt(r.offset(), "content offset " + input.position()
          + " does not match size record " + size.contentOffset());
    }
    Envelope env = envelope.envelope(r.offset());
    input.seek(size.extractedOffset());
    r = input.require("extracted segment");
    if (r.type() != RecordType.EXTRACTED) {
      throw input.corrupt(r.offset(), "no extracted segment marker at size record offset");
    }
    expectEmpty(input, r);
    SegmentParser extracted = SegmentParser.extracted(input);
    r = input.next();
    while (r != null && r.type() != RecordType.END) {
      extracted.accept(r);
      r = input.next();
    }
    if (r == null) {
      throw input.corrupt(input.position(), "no end marker (incomplete queue file)");
    }
    expectEmpty(input, r);
    if (!input.atEnd()) {
      throw input.corrupt(input.position(), "data after end marker");
    }
    ExtractedEnvelope ext = extracted.extracted(r.offset());
    int rcpts = env.recipients().size() + ext.recipients().size();
    if (rcpts != size.recipientCount()) {
      throw input.corrupt(0, "size record says " + size.recipientCount()
          + " recipients, file has " + rcpts);
    }
    return new QueueFile(file, envelope.arrival(), env, ext, size.messageSize(),
        size.contentOffset(), size.extractedOffset());
  }

  private static void expectEmpty(RecordInput input, QueueRecord r)
      throws CorruptQueueFileException {
    if (r.data().length != 0) {
      throw input.corrupt(r.offset(), r.type().postcatName() + " record with data");
    }
  }

  /**
   * Streams the content lines to {@code handler}, checking that only line records lie between
   * the content and extracted markers and that their size matches the size record.
   */
  public void readContent(LineHandler handler) throws IOException {
    input.seek(queueFile.contentOffset());
    long size = 0;
    boolean partial = false;
    while (input.position() < queueFile.extractedOffset()) {
      QueueRecord r = input.require("end of content");
      if (!r.type().isText()) {
        throw input.corrupt(r.offset(), "record type " + (char) r.type().code() + " in content");
      }
      partial = r.type() == RecordType.CONTINUED;
      size += r.data().length + (partial ? 0 : 2);
      handler.line(r.data(), !partial);
    }
    if (input.position() != queueFile.extractedOffset() || partial) {
      throw input.corrupt(input.position(), "content does not end at the extracted segment");
    }
    if (size != queueFile.messageSize()) {
      throw input.corrupt(0, "message size " + size + " does not match size record "
          + queueFile.messageSize());
    }
  }

  /** Copies the content to {@code out}, ending each line with {@code lineEnd} ("\r\n" for SMTP). */
  public void copyContent(OutputStream out, String lineEnd) throws IOException {
    byte[] end = lineEnd.getBytes(StandardCharsets.US_ASCII);
    readContent((data, complete) -> {
      out.write(data);
      if (complete) {
        out.write(end);
      }
    });
  }

  /**
   * Walks the records of {@code in} in file order, checking only record framing. Ends at the end
   * marker; a file that ends before it raises CorruptQueueFileException after the records read.
   */
  public static void forEachRecord(InputStream in, Path name, RecordHandler handler)
      throws IOException {
    RecordInput input = RecordInput.of(in, name);
    QueueRecord r = input.first();
    if (r == null || r.type() != RecordType.SIZE) {
      throw input.corrupt(0, "input is not a valid queue file");
    }
    while (r != null) {
      handler.record(r);
      if (r.type() == RecordType.END) {
        return;
      }
      r = input.next();
    }
    throw input.corrupt(input.position(), "no end marker (incomplete queue file)");
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
