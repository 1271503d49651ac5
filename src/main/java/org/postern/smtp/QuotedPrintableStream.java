package org.postern.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * RFC 2045 section 6.7 quoted-printable encoding as a stream, for the body of a message sent to a
 * server without 8BITMIME: each CRLF-terminated line is encoded on its own, with soft line breaks
 * so that no encoded line exceeds 76 characters; a space or tab at the end of a line is encoded,
 * one inside it is not; a CR that does not start a CRLF is encoded. Memory: the whitespace run
 * not yet known to be inside or at the end of a line, nothing more.
 */
final class QuotedPrintableStream extends OutputStream {
  private static final int MAX_LINE = 76;
  private static final byte[] SOFT_BREAK = {'=', '\r', '\n'};
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final StringBuilder whitespace = new StringBuilder();
  private boolean pendingCr;
  private int column;

  QuotedPrintableStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    int c = b & 0xff;
    if (pendingCr) {
      pendingCr = false;
      if (c == '\n') {
        endLine();
        out.write(CRLF);
        return;
      }
      character('\r');
    }
    if (c == '\r') {
      pendingCr = true;
    } else if (c == ' ' || c == '\t') {
      whitespace.append((char) c);
    } else {
      character(c);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  /** Encodes what is left of a last line without CRLF; the underlying stream stays open. */
  void finish() throws IOException {
    if (pendingCr) {
      pendingCr = false;
      character('\r');
    }
    endLine();
  }

  /** A character that is not whitespace: whitespace before it was inside the line. */
  private void character(int c) throws IOException {
    for (int i = 0; i < whitespace.length(); i++) {
      literal(whitespace.charAt(i));
    }
    whitespace.setLength(0);
    if (c >= 33 && c <= 126 && c != '=') {
      literal(c);
    } else {
      encoded(c);
    }
  }

  /** At the end of a line only the last whitespace character needs encoding. */
  private void endLine() throws IOException {
    int n = whitespace.length();
    for (int i = 0; i < n; i++) {
      if (i == n - 1) {
        encoded(whitespace.charAt(i));
      } else {
        literal(whitespace.charAt(i));
      }
    }
    whitespace.setLength(0);
    column = 0;
  }

  private void literal(int c) throws IOException {
    room(1);
    out.write(c);
    column++;
  }

  private void encoded(int c) throws IOException {
    room(3);
    out.write('=');
    out.write(HEX[c >> 4]);
    out.write(HEX[c & 0xf]);
    column += 3;
  }

  /** A soft line break when {@code width} more would pass column 75 (76 with the '='). */
  private void room(int width) throws IOException {
    if (column + width > MAX_LINE - 1) {
      out.write(SOFT_BREAK);
      column = 0;
    }
  }
}
