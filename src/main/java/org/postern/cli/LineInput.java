package org.postern.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads an input stream as lines of bounded length, for sendmail's message input and its {@code
 * -bs} SMTP dialogue. A line longer than the limit comes in pieces ({@link Kind#PART}), so memory
 * stays bounded whatever the input; a last line without a line end is {@link Kind#LAST}.
 *
 * <p>Failure: a read error is an {@link InputError}, so that callers can tell it from an error
 * writing the queue file.
 */
final class LineInput {
  /** How a piece of input ended. */
  enum Kind {
    /** Ended by LF (not included). */
    LINE,
    /** The limit was reached; the line continues in the next piece. */
    PART,
    /** End of input without a line end. */
    LAST
  }

  /** One line or piece; {@code data} excludes the LF but keeps any CR before it. */
  record Line(byte[] data, Kind kind) {
    /** The line without one CR before its line end, as text for commands and headers. */
    byte[] text() {
      int n = data.length;
      if (kind == Kind.LINE && n > 0 && data[n - 1] == '\r') {
        n--;
      }
      return n == data.length ? data : Arrays.copyOf(data, n);
    }

    /** True for a line that is exactly "." (after CR removal). */
    boolean isDot() {
      byte[] t = text();
      return kind != Kind.PART && t.length == 1 && t[0] == '.';
    }
  }

  /** An error reading the input, as opposed to writing the output. */
  static final class InputError extends IOException {
    private static final long serialVersionUID = 1L;

    InputError(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final InputStream in;
  private final byte[] buffer;
  private final int limit;
  private int position;
  private int end;

  LineInput(InputStream in, int limit) {
    this.in = in;
    this.limit = limit;
    this.buffer = new byte[8192];
  }

  /** The next line or piece, or null at end of input. */
  Line next() throws InputError {
    byte[] line = new byte[Math.min(limit, 256)];
    int n = 0;
    while (true) {
      if (position == end && !fill()) {
        return n == 0 ? null : new Line(Arrays.copyOf(line, n), Kind.LAST);
      }
      byte b = buffer[position++];
      if (b == '\n') {
        return new Line(Arrays.copyOf(line, n), Kind.LINE);
      }
      if (n == line.length) {
        line = Arrays.copyOf(line, Math.min(limit, line.length * 2));
      }
      line[n++] = b;
      if (n == limit) {
        return new Line(line, Kind.PART);
      }
    }
  }

  /** Whether input is already buffered, so that a reply can wait (SMTP pipelining). */
  boolean buffered() {
    return position < end;
  }

  private boolean fill() throws InputError {
    try {
      int r = in.read(buffer);
      if (r <= 0) {
        return false;
      }
      position = 0;
      end = r;
      return true;
    } catch (IOException e) {
      throw new InputError(e);
    }
  }
}
