package org.postern.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * D. J. Bernstein's netstrings ({@code length:data,}), the framing of the socketmap protocol.
 *
 * <p>Failure: a malformed or oversized netstring is a {@link TableException}; end of stream in
 * the middle is an {@link IOException}.
 */
final class Netstring {
  private Netstring() {}

  static byte[] encode(String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = (data.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + data.length + 1];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(data, 0, out, prefix.length, data.length);
    out[out.length - 1] = ',';
    return out;
  }

  /** Reads one netstring of at most {@code limit} bytes. */
  static String read(TimedConnection in, int limit, String peer)
      throws IOException, TableException {
    long length = 0;
    int digits = 0;
    int c;
    while ((c = next(in)) != ':') {
      if (c < '0' || c > '9' || ++digits > 10) {
        throw new TableException(peer + ": malformed netstring length");
      }
      length = length * 10 + (c - '0');
    }
    if (digits == 0 || length > limit) {
      throw new TableException(peer + ": netstring length " + length + " exceeds limit " + limit);
    }
    byte[] data = new byte[(int) length];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) next(in);
    }
    if (next(in) != ',') {
      throw new TableException(peer + ": netstring missing ','");
    }
    return new String(data, StandardCharsets.UTF_8);
  }

  private static int next(TimedConnection in) throws IOException {
    int c = in.read();
    if (c < 0) {
      throw new IOException("unexpected end of stream");
    }
    return c;
  }
}
