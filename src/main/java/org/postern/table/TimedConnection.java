package org.postern.table;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One client connection to a table server (TCP or UNIX-domain) in which every operation is
 * bounded by a deadline, as Postfix bounds each socketmap: and tcp: request. A selector does the
 * waiting because socket channels have no read timeout of their own.
 *
 * <p>Failure: a connect, read or write that does not finish before the deadline throws
 * {@link SocketTimeoutException}; an interrupted thread gets {@link InterruptedIOException} with
 * its interrupt status kept.
 */
final class TimedConnection implements Closeable {
  private final SocketAddress address;
  private final SocketChannel channel;
  private final Selector selector;
  private final ByteBuffer input = ByteBuffer.allocate(8192).flip();
  private long deadline;

  private TimedConnection(SocketAddress address, SocketChannel channel, Selector selector) {
    this.address = address;
    this.channel = channel;
    this.selector = selector;
  }

  static TimedConnection open(SocketAddress address, Duration timeout) throws IOException {
    SocketChannel channel =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    Selector selector = null;
    try {
      selector = Selector.open();
      channel.configureBlocking(false);
      TimedConnection c = new TimedConnection(address, channel, selector);
      c.startRequest(timeout);
      if (!channel.connect(address)) {
        c.await(SelectionKey.OP_CONNECT);
        while (!channel.finishConnect()) {
          c.await(SelectionKey.OP_CONNECT);
        }
      }
      return c;
    } catch (IOException e) {
      channel.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /** Starts the clock for one request: the following reads and writes share {@code timeout}. */
  void startRequest(Duration timeout) {
    deadline = System.nanoTime() + timeout.toNanos();
  }

  void write(byte[] data) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(data);
    while (out.hasRemaining()) {
      if (channel.write(out) == 0) {
        await(SelectionKey.OP_WRITE);
      }
    }
  }

  /** The next byte, or -1 at end of stream. */
  int read() throws IOException {
    while (!input.hasRemaining()) {
      input.clear();
      int n = channel.read(input);
      input.flip();
      if (n < 0) {
        return -1;
      }
      if (n == 0) {
        await(SelectionKey.OP_READ);
      }
    }
    return input.get() & 0xff;
  }

  private void await(int operation) throws IOException {
    SelectionKey key = channel.register(selector, operation);
    try {
      while (true) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("interrupted while talking to " + remote());
        }
        long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        if (left <= 0) {
          throw new SocketTimeoutException("timeout talking to " + remote());
        }
        if (selector.select(left) > 0) {
          selector.selectedKeys().clear();
          return;
        }
      }
    } finally {
      key.interestOps(0);
    }
  }

  private String remote() {
    return address.toString();
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
