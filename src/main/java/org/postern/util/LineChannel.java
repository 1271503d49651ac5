package org.postern.util;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Line I/O with a local service (Dovecot's auth server, an SMTPD policy server) under one deadline
 * per exchange: the channels are non-blocking and every wait is a select bounded by what is left
 * of the deadline, so a server that stalls or drips one byte at a time cannot hold a session
 * longer than that. Lines end at LF (a CR before it is dropped) and are at most {@value #MAX_LINE}
 * bytes. {@link #connect} opens a TCP or UNIX-domain channel within a timeout.
 *
 * <p>Failure: the deadline is a {@link SocketTimeoutException}, end of input an {@link
 * EOFException}, an overlong line an {@link IOException}.
 */
public final class LineChannel implements Closeable {
  public static final int MAX_LINE = 16384;

  private final String peer;
  private final ReadableByteChannel in;
  private final WritableByteChannel out;
  private final Selector readable;
  private final Selector writable;
  private final ByteBuffer buffer = ByteBuffer.allocate(4096).flip();
  private final Closeable[] owned;

  /** Line I/O over {@code in} and {@code out}; {@code peer} names the other end in messages. */
  public <R extends SelectableChannel & ReadableByteChannel, W extends SelectableChannel & WritableByteChannel>
      LineChannel(String peer, R in, W out) throws IOException {
    this.peer = peer;
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

  /**
   * Connects to a TCP ({@link InetSocketAddress}, resolved here if it is not) or UNIX-domain
   * address within {@code timeout}.
   */
  public static LineChannel connect(String peer, SocketAddress address, Duration timeout)
      throws IOException {
    boolean unix = address instanceof UnixDomainSocketAddress;
    SocketChannel channel = unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
    try (Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      SocketAddress target = address;
      if (target instanceof InetSocketAddress a && a.isUnresolved()) {
        target = new InetSocketAddress(a.getHostString(), a.getPort());
      }
      if (!channel.connect(target)) {
        channel.register(selector, SelectionKey.OP_CONNECT);
        if (selector.select(Math.max(1, timeout.toMillis())) == 0) {
          throw new SocketTimeoutException("connect timeout");
        }
        channel.finishConnect();
      }
      return new LineChannel(peer, channel, channel);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * True when input (or end of input) is waiting before anything was asked: on a connection kept
   * for reuse that means the server hung up or is out of step, and the connection must not be used.
   */
  public boolean readable() throws IOException {
    if (buffer.hasRemaining()) {
      return true;
    }
    boolean ready = readable.selectNow() > 0;
    readable.selectedKeys().clear();
    return ready;
  }

  /** Writes one line (LF added) before the deadline (System.nanoTime based). */
  public void writeLine(String line, long deadline) throws IOException {
    ByteBuffer data = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (data.hasRemaining()) {
      if (out.write(data) == 0) {
        await(writable, deadline);
      }
    }
  }

  /** Reads one line before the deadline, without its line end. */
  public String readLine(long deadline) throws IOException {
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
          throw new IOException(peer + " line longer than " + MAX_LINE + " bytes");
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
        throw new EOFException("connection closed by " + peer);
      }
    } finally {
      buffer.flip();
    }
  }

  private void await(Selector selector, long deadline) throws IOException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException(peer + " timeout");
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
