package org.postern.sasl;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Line I/O with the auth server under one deadline per exchange: the channels are non-blocking and
 * every wait is a select bounded by what is left of the deadline, so a server that stalls or drips
 * one byte at a time cannot hold a session longer than that. Lines end at LF (a CR before it is
 * dropped) and are at most {@value #MAX_LINE} bytes.
 *
 * <p>Failure: the deadline is a {@link SocketTimeoutException}, end of input an {@link
 * EOFException}, an overlong line an {@link IOException}.
 */
final class AuthLineReader implements Closeable {
  static final int MAX_LINE = 16384;

  private final ReadableByteChannel in;
  private final WritableByteChannel out;
  private final Selector readable;
  private final Selector writable;
  private final ByteBuffer buffer = ByteBuffer.allocate(4096).flip();
  private final Closeable[] owned;

  <R extends SelectableChannel & ReadableByteChannel, W extends SelectableChannel & WritableByteChannel>
      AuthLineReader(R in, W out) throws IOException {
    this.in = in;
    this.out = out;
    in.configureBlocking(false);
    out.configureBlocking(false);
    this.readable = Selector.open();
    this.writable = Selector.open();
    in.register(readable, SelectionKey.OP_READ);
    out.register(writable, SelectionKey.OP_WRITE);
    this.owned = new Closeable[] {readable, writable, in, out};
  }

  /** Writes one line (LF added) before the deadline (System.nanoTime based). */
  void writeLine(String line, long deadline) throws IOException {
    ByteBuffer data = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (data.hasRemaining()) {
      if (out.write(data) == 0) {
        await(writable, deadline);
      }
    }
  }

  /** Reads one line before the deadline, without its line end. */
  String readLine(long deadline) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      while (buffer.hasRemaining()) {
        byte b = buffer.get();
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
        if (line.size() >= MAX_LINE) {
          throw new IOException("auth server line longer than " + MAX_LINE + " bytes");
        }
        line.write(b);
      }
      fill(deadline);
    }
  }

  private void fill(long deadline) throws IOException {
    buffer.clear();
    try {
      int n;
      while ((n = in.read(buffer)) == 0) {
        await(readable, deadline);
      }
      if (n < 0) {
        throw new EOFException("connection closed by auth server");
      }
    } finally {
      buffer.flip();
    }
  }

  private static void await(Selector selector, long deadline) throws IOException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException("auth server timeout");
    }
    selector.select(left);
    selector.selectedKeys().clear();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Closeable c : owned) {
      try {
        c.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
