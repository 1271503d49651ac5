package org.postern.queue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/** Writes records to a queue file through a bounded buffer, counting the file offset. */
final class RecordOutput {
  private final OutputStream out;
  private long position;

  RecordOutput(FileChannel channel) {
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  long position() {
    return position;
  }

  void write(RecordType type, byte[] data, int offset, int length) throws IOException {
    out.write(type.code());
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.write(data, offset, length);
    position += RecordFormat.HEADER_LENGTH + length;
  }

  void write(RecordType type, byte[] data) throws IOException {
    write(type, data, 0, data.length);
  }

  void write(RecordType type, String text) throws IOException {
    write(type, text.getBytes(StandardCharsets.UTF_8));
  }

  void flush() throws IOException {
    out.flush();
  }
}
