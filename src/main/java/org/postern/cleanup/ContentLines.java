package org.postern.cleanup;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Splits a content byte stream into lines, as cleanup's record input does: LF ends a line, a CR
 * right before that LF goes with it, any other CR is data. A line longer than {@code
 * line_length_limit} is handed on in pieces of that size (Postfix's REC_TYPE_CONT records), so
 * memory stays bounded whatever the client sends.
 *
 * <p>Failure: none of its own; what the sink throws propagates.
 */
final class ContentLines extends OutputStream {
  /** Receives line pieces; {@code complete} is false for all but the last piece of a line. */
  interface Sink {
    void line(byte[] data, int length, boolean complete) throws IOException;
  }

  private final Sink sink;
  private final byte[] buffer;
  private int length;
  private boolean finished;

  ContentLines(int lineLimit, Sink sink) {
    this.sink = sink;
    this.buffer = new byte[Math.max(1, lineLimit)];
  }

  @Override
  public void write(int b) throws IOException {
    if (finished) {
      throw new IOException("content stream is closed");
    }
    if (b == '\n') {
      int end = length > 0 && buffer[length - 1] == '\r' ? length - 1 : length;
      length = 0;
      sink.line(buffer, end, true);
      return;
    }
    if (length == buffer.length) {
      int full = length;
      length = 0;
      sink.line(buffer, full, false);
    }
    buffer[length++] = (byte) b;
  }

  @Override
  public void write(byte[] data, int offset, int count) throws IOException {
    for (int i = offset; i < offset + count; i++) {
      write(data[i]);
    }
  }

  /** Ends the content: a last line without a line end counts as a complete line. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    if (length > 0) {
      int end = length;
      length = 0;
      sink.line(buffer, end, true);
    }
  }

  @Override
  public void close() throws IOException {
    finish();
  }
}
