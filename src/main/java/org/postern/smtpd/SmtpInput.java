package org.postern.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client's byte stream with bounded line reads (Postfix's {@code smtp_get} with {@code
 * line_length_limit}) and exact-count reads for BDAT.
 *
 * <p>Before a read that would block, the {@code beforeBlockingRead} action runs: the session uses
 * it to flush pipelined replies only once the client's input is drained. {@link
 * #discardBuffered()} drops what the client pipelined after STARTTLS.
 *
 * <p>Failure: end of stream throws {@link EOFException}; a read timeout throws {@link
 * java.net.SocketTimeoutException} from the socket.
 */
final class SmtpInput {
  /** How a line piece ended. */
  enum Ending {
    CRLF,
    /** A line feed without carriage return before it. */
    BARE_LF,
    /** No line end yet: the piece reached the length limit. */
    NONE
  }

  record Line(byte[] bytes, Ending ending) {}

  private final byte[] buffer = new byte[16384];
  /** Runs before a read that may block; may write to the client. */
  interface BeforeRead {
    void run() throws IOException;
  }

  private final BeforeRead beforeBlockingRead;
  private InputStream in;
  private int pos;
  private int end;

  SmtpInput(InputStream in, BeforeRead beforeBlockingRead) {
    this.in = in;
    this.beforeBlockingRead = beforeBlockingRead;
  }

  /** Reads one line or the first {@code limit} bytes of it, without the line ending. */
  Line readLine(int limit) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    boolean cr = false;
    while (true) {
      int b = next();
      if (b == '\n') {
        return new Line(line.toByteArray(), cr ? Ending.CRLF : Ending.BARE_LF);
      }
      if (cr) {
        line.write('\r');
      }
      cr = b == '\r';
      if (!cr) {
        line.write(b);
      }
      if (line.size() >= limit) {
        if (cr) {
          pushBack();
        }
        return new Line(line.toByteArray(), Ending.NONE);
      }
    }
  }

  /** Skips the rest of an over-long line, through its line feed. */
  void skipLine() throws IOException {
    while (next() != '\n') {
      // discard
    }
  }

  /** Reads up to {@code len} bytes (at least one). */
  int read(byte[] b, int off, int len) throws IOException {
    if (pos == end) {
      fill();
    }
    int n = Math.min(len, end - pos);
    System.arraycopy(buffer, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Bytes already received and not yet consumed. */
  int buffered() {
    return end - pos;
  }

  /** Drops received, unconsumed bytes (plaintext pipelined after STARTTLS). */
  /**
   * Up to {@code max} buffered bytes, not consumed, made printable for the log (C escapes): what
   * a client pipelined after a command.
   */
  String peekEscaped(int max) {
    return escape(buffer, pos, Math.min(max, end - pos));
  }

  /**
   * {@code length} bytes from {@code from} as Postfix's escape() writes them into a log line: C
   * escapes for the usual control characters, {@code \\ooo} for other bytes outside printable
   * ASCII, a doubled backslash.
   */
  static String escape(byte[] bytes, int from, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + length; i++) {
      int c = bytes[i] & 0xff;
      switch (c) {
        case 0x07 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\r' -> b.append("\\r");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case 0x0b -> b.append("\\v");
        case '\\' -> b.append("\\\\");
        default -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\%03o", c));
      }
    }
    return b.toString();
  }

  void discardBuffered() {
    pos = end;
  }

  /** Continues on the TLS stream after STARTTLS. */
  void rebind(InputStream tlsIn) {
    discardBuffered();
    this.in = tlsIn;
  }

  private int next() throws IOException {
    if (pos == end) {
      fill();
    }
    return buffer[pos++] & 0xff;
  }

  private void pushBack() {
    pos--;
  }

  private void fill() throws IOException {
    beforeBlockingRead.run();
    int n = in.read(buffer, 0, buffer.length);
    if (n < 0) {
      throw new EOFException("lost connection");
    }
    pos = 0;
    end = n;
  }
}
