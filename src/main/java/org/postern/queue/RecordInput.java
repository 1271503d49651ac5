package org.postern.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads records one at a time, checking each header: a known type byte, a length within {@link
 * RecordFormat#MAX_RECORD_LENGTH}, and that many data bytes before the end of the file.
 */
final class RecordInput {
  private final FileChannel channel;
  private final Path name;
  private InputStream in;
  private long position;

  private RecordInput(FileChannel channel, InputStream in, Path name) {
    this.channel = channel;
    this.in = in;
    this.name = name;
  }

  /** Records from a file that can seek. */
  static RecordInput of(FileChannel channel, Path name) {
    return new RecordInput(channel, buffered(channel), name);
  }

  /** Records from a stream (postcat reading stdin); {@link #seek} is refused. */
  static RecordInput of(InputStream in, Path name) {
    return new RecordInput(null, new BufferedInputStream(in, 1 << 16), name);
  }

  private static InputStream buffered(FileChannel channel) {
    return new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
  }

  long position() {
    return position;
  }

  void seek(long offset) throws IOException {
    if (channel == null) {
      throw new IOException(name + ": cannot seek on a stream");
    }
    channel.position(offset);
    in = buffered(channel);
    position = offset;
  }

  /** The next record, or null at the end of the file on a record boundary. */
  QueueRecord next() throws IOException {
    long start = position;
    int b = in.read();
    if (b < 0) {
      return null;
    }
    position++;
    RecordType type = RecordType.ofCode(b);
    if (type == null) {
      throw corrupt(start, String.format("unknown record type 0x%02x", b));
    }
    long length = 0;
    for (int i = 0; i < 4; i++) {
      int c = in.read();
      if (c < 0) {
        throw corrupt(start, "truncated record: type " + (char) b + " header ends early");
      }
      position++;
      length = (length << 8) | c;
    }
    if (length > RecordFormat.MAX_RECORD_LENGTH) {
      throw corrupt(start, "record too long: type " + (char) b + " length " + length);
    }
    byte[] data = new byte[(int) length];
    int got = in.readNBytes(data, 0, data.length);
    position += got;
    if (got < data.length) {
      throw corrupt(
          start,
          "truncated record: type " + (char) b + " wants " + length + " bytes, " + got + " present");
    }
    return new QueueRecord(type, start, data);
  }

  /** The first record, or null; a first byte that starts no record means not a queue file. */
  QueueRecord first() throws IOException {
    try {
      return next();
    } catch (CorruptQueueFileException e) {
      throw corrupt(0, "input is not a valid queue file");
    }
  }

  /** The next record, which must exist. */
  QueueRecord require(String what) throws IOException {
    QueueRecord r = next();
    if (r == null) {
      throw corrupt(position, "file ends before " + what);
    }
    return r;
  }

  CorruptQueueFileException corrupt(long offset, String reason) {
    return new CorruptQueueFileException(name, offset, reason);
  }

  /** Reads past the end to tell a clean end of file from trailing bytes. */
  boolean atEnd() throws IOException {
    in.mark(1);
    int b = in.read();
    in.reset();
    return b < 0;
  }
}
