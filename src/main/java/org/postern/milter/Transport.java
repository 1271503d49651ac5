package org.postern.milter;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A byte stream to one milter, TCP or unix-domain, with a timeout on every read and every write:
 * the channel is non-blocking and each wait goes through a selector, so a milter that stops
 * reading (its buffers full while a body is sent) times out just like one that stops answering.
 *
 * <p>Failure: a timeout is SocketTimeoutException, a closed peer EOFException, both IOException.
 */
final class Transport implements AutoCloseable {
  private final SocketChannel channel;
  private final Selector selector;
  private long timeoutMillis = 30_000;

  private Transport(SocketChannel channel, Selector selector) {
    this.channel = channel;
    this.selector = selector;
  }

  /** Opens the endpoint within {@code connectTimeout}. */
  static Transport open(Endpoint endpoint, Duration connectTimeout) throws IOException {
    SocketChannel channel = endpoint.connect(connectTimeout);
    try {
      return new Transport(channel, Selector.open());
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** The limit for each following read and write. */
  void timeout(Duration timeout) {
    timeoutMillis = Math.max(1, timeout.toMillis());
  }

  /** Reads exactly {@code length} bytes. */
  void readFully(byte[] buffer, int offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
    while (b.hasRemaining()) {
      int n = channel.read(b);
      if (n < 0) {
        throw new EOFException("milter closed the connection");
      }
      if (n == 0) {
        await(SelectionKey.OP_READ);
      }
    }
  }

  void write(byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      if (channel.write(b) == 0) {
        await(SelectionKey.OP_WRITE);
      }
    }
  }

  private void await(int op) throws IOException {
    SelectionKey key = channel.register(selector, op);
    try {
      if (selector.select(timeoutMillis) == 0) {
        throw new SocketTimeoutException("milter timed out");
      }
      selector.selectedKeys().clear();
    } finally {
      key.cancel();
      selector.selectNow();
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      // Closing after an error; nothing more to report.
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Likewise.
    }
  }
}
