package org.postern.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The master's control endpoint, {@code $queue_directory/private/control}: a UNIX-domain stream
 * socket where {@code postern status|reload|stop} send one request line and read a {@link
 * ControlReply}. It lives in {@code private/} (mode 0700) and is itself mode 0600, so only the
 * mail system's owner (and root) can reach it; Java offers no peer credentials to check instead.
 *
 * <p>Every read is bounded: a request is at most {@value #MAX_REQUEST} bytes and must arrive
 * within {@link #REQUEST_TIMEOUT}, after which the connection is closed.
 *
 * <p>Failure: {@link #open} throws an IOException naming the socket path when it cannot bind.
 */
final class ControlSocket implements AutoCloseable {
  static final int MAX_REQUEST = 64;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Answers one request; called on a virtual thread per connection. */
  @FunctionalInterface
  interface Handler {
    ControlReply handle(String request) throws InterruptedException;
  }

  private final Path path;
  private final ServerSocketChannel server;
  private final Thread acceptor;

  private ControlSocket(Path path, ServerSocketChannel server, Handler handler) {
    this.path = path;
    this.server = server;
    this.acceptor = Thread.ofVirtual().name("control").start(() -> accept(handler));
  }

  /**
   * Binds {@code path}, replacing a socket file left by a master that died (the caller holds the
   * pid file, so no live master owns it), and starts answering with {@code handler}.
   */
  static ControlSocket open(Path path, Handler handler) throws IOException {
    Files.createDirectories(path.getParent());
    Files.deleteIfExists(path);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      server.close();
      throw new IOException(path + ": cannot open control socket: " + e.getMessage(), e);
    }
    return new ControlSocket(path, server, handler);
  }

  /** Stops accepting, removes the socket file; requests being answered finish on their own. */
  @Override
  public void close() throws IOException {
    try {
      server.close();
      acceptor.join(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Files.deleteIfExists(path);
    }
  }

  private void accept(Handler handler) {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        Thread.ofVirtual().name("control client").start(() -> answer(client, handler));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // A failed accept (say, out of descriptors) leaves the socket open: pause, try again.
        try {
          Thread.sleep(100);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void answer(SocketChannel client, Handler handler) {
    try (client) {
      String request = readRequest(client);
      ControlReply reply =
          request == null
              ? ControlReply.error("request too long or not terminated by a newline")
              : handler.handle(request);
      client.write(ByteBuffer.wrap(reply.encode().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      // The client went away or was too slow; there is nobody to tell.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The request line without its newline, or null when it is too long or not terminated. */
  @SuppressWarnings("try") // the deadline only needs closing
  private static String readRequest(SocketChannel client) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_REQUEST);
    try (Deadline d = Deadline.closeAfter(client, REQUEST_TIMEOUT)) {
      while (buffer.hasRemaining()) {
        if (client.read(buffer) < 0) {
          break;
        }
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        if (nl >= 0) {
          return text.substring(0, nl).strip();
        }
      }
    }
    return null;
  }
}
