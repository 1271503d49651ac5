package org.postern.milter;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A byte stream to one milter with a timeout on every read and write: a TCP socket, or a
 * unix-domain channel driven through a selector (a blocking unix channel has no read timeout).
 *
 * <p>Failure: a timeout is SocketTimeoutException, a closed peer EOFException, both IOException.
 */
interface Transport extends AutoCloseable {
  /** Reads exactly {@code length} bytes. */
  void readFully(byte[] buffer, int offset, int length) throws IOException;

  void write(byte[] data) throws IOException;

  /** The limit for each following read and write. */
  void timeout(Duration timeout) throws IOException;

  @Override
  void close();

  /** Opens the endpoint within {@code connectTimeout}. */
  static Transport open(Endpoint endpoint, Duration connectTimeout) throws IOException {
    if (endpoint.inetTransport()) {
      return new Tcp(endpoint.connectInet(connectTimeout));
    }
    SocketChannel channel = endpoint.connectUnix();
    try {
      return new Unix(channel);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** TCP, with the socket's own read timeout. */
  final class Tcp implements Transport {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Tcp(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    @Override
    public void readFully(byte[] buffer, int offset, int length) throws IOException {
      int done = 0;
      while (done < length) {
        int n = in.read(buffer, offset + done, length - done);
        if (n < 0) {
          throw new EOFException("milter closed the connection");
        }
        done += n;
      }
    }

    @Override
    public void write(byte[] data) throws IOException {
      out.write(data);
      out.flush();
    }

    @Override
    public void timeout(Duration timeout) throws IOException {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing after an error; nothing more to report.
      }
    }
  }

  /** A unix-domain socket in non-blocking mode, each read and write bounded by select(). */
  final class Unix implements Transport {
    private final SocketChannel channel;
    private final Selector selector;
    private long timeoutMillis = 30_000;

    Unix(SocketChannel channel) throws IOException {
      this.channel = channel;
      channel.configureBlocking(false);
      this.selector = Selector.open();
    }

    @Override
    public void readFully(byte[] buffer, int offset, int length) throws IOException {
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

    @Override
    public void write(byte[] data) throws IOException {
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
        if (selector.select(Math.max(1, timeoutMillis)) == 0) {
          throw new SocketTimeoutException("milter timed out");
        }
        selector.selectedKeys().clear();
      } finally {
        key.cancel();
        selector.selectNow();
      }
    }

    @Override
    public void timeout(Duration timeout) {
      timeoutMillis = timeout.toMillis();
    }

    @Override
    public void close() {
      try {
        selector.close();
        channel.close();
      } catch (IOException e) {
        // Closing after an error; nothing more to report.
      }
    }
  }
}
