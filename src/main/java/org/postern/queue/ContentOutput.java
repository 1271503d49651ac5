package org.postern.queue;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The message content as a byte stream, cut into line records as it arrives so that memory stays
 * bounded whatever the message size.
 *
 * <p>Line ends are normalised: LF ends a line, and a CR right before that LF is dropped with it;
 * any other CR is kept as data. A line longer than {@link RecordFormat#MAX_TEXT_LENGTH} bytes is
 * stored as CONTINUED records followed by a NORMAL record. A last line without a line end is
 * stored as a complete line. Bytes are never changed otherwise: 8-bit and binary bytes survive.
 * The message size counts each line with a CRLF line end, as SMTP transmits it (RFC 1870).
 */
final class ContentOutput extends OutputStream {
  private final RecordOutput records;
  private final byte[] line = new byte[RecordFormat.MAX_TEXT_LENGTH];
  private int length;
  private boolean pendingCr;
  private boolean partialWritten;
  private boolean closed;
  private long messageSize;

  ContentOutput(RecordOutput records) {
    this.records = records;
  }

  @Override
  public void write(int b) throws IOException {
    if (closed) {
      throw new IOException("queue file content is already complete");
    }
    if (pendingCr) {
      pendingCr = false;
      if (b == '\n') {
        endLine();
        return;
      }
      append((byte) '\r');
    }
    if (b == '\r') {
      pendingCr = true;
    } else if (b == '\n') {
      endLine();
    } else {
      append((byte) b);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  private void append(byte b) throws IOException {
    if (length == line.length) {
      records.write(RecordType.CONTINUED, line, 0, length);
      messageSize += length;
      partialWritten = true;
      length = 0;
    }
    line[length++] = b;
  }

  private void endLine() throws IOException {
    records.write(RecordType.NORMAL, line, 0, length);
    messageSize += length + 2;
    length = 0;
    partialWritten = false;
  }

  /** Ends the content: a pending CR is data, and an unterminated last line becomes a line. */
  void finish() throws IOException {
    if (closed) {
      return;
    }
    if (pendingCr) {
      pendingCr = false;
      append((byte) '\r');
    }
    if (length > 0 || partialWritten) {
      endLine();
    }
    closed = true;
  }

  long messageSize() {
    return messageSize;
  }

  /** Closing the stream does not end the content; {@link QueueFileWriter#commit} does. */
  @Override
  public void close() {
    // The writer owns the file; callers may close their stream (try-with-resources) early.
  }
}
