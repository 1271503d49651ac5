package org.postern.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * SMTP DATA transparency (RFC 5321 section 4.5.2) as a stream: a dot at the start of a line is
 * doubled on its way through, and {@link #finish} ends the content with {@code CRLF.CRLF} (adding
 * the CRLF a last line may lack). Holds no content: each write passes straight on.
 */
final class DotStuffingStream extends OutputStream {
  private static final byte[] END = {'.', '\r', '\n'};
  private static final byte[] CRLF = {'\r', '\n'};

  private final OutputStream out;
  private boolean lineStart = true;

  DotStuffingStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    if (lineStart && b == '.') {
      out.write('.');
    }
    out.write(b);
    lineStart = b == '\n';
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int run = off;
    for (int i = off; i < off + len; i++) {
      if (lineStart && b[i] == '.') {
        out.write(b, run, i - run);
        out.write('.');
        run = i;
      }
      lineStart = b[i] == '\n';
    }
    out.write(b, run, off + len - run);
  }

  /** Writes the end-of-data line; the underlying stream stays open. */
  void finish() throws IOException {
    if (!lineStart) {
      out.write(CRLF);
    }
    out.write(END);
  }
}
