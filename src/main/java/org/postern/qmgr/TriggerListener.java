package org.postern.qmgr;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.log.ProgramLog;

/**
 * The server side of {@code public/qmgr}: accepts connections, reads the request bytes a client
 * writes (waiting briefly for them), and hands them on. A connection without bytes counts as a
 * wake-up, as Postfix's trigger server treats it.
 *
 * <p>Failure: accept errors are logged and retried after a pause; {@link #open} fails when the
 * socket cannot be bound.
 */
final class TriggerListener {
  private static final Duration REQUEST_WAIT = Duration.ofSeconds(1);
  private static final Duration ACCEPT_BACKOFF = Duration.ofSeconds(1);
  private static final int MAX_REQUEST_BYTES = 64;

  private final Path socket;
  private final ServerSocketChannel server;
  private final Consumer<Set<QmgrRequest>> requests;
  private final ProgramLog log;
  private volatile boolean open = true;

  private TriggerListener(Path socket, ServerSocketChannel server,
      Consumer<Set<QmgrRequest>> requests, ProgramLog log) {
    this.socket = socket;
    this.server = server;
    this.requests = requests;
    this.log = log;
  }

  /** Binds {@code socket} (mode 0622: every local user may wake qmgr, as in Postfix). */
  static TriggerListener open(Path socket, Consumer<Set<QmgrRequest>> requests, ProgramLog log)
      throws IOException {
    Files.createDirectories(socket.getParent());
    Files.deleteIfExists(socket); // left by a qmgr that did not stop cleanly
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(socket));
      try {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw--w--w-"));
      } catch (UnsupportedOperationException e) {
        // a file system without POSIX modes: the directory's mode protects the socket
      }
      return new TriggerListener(socket, channel, requests, log);
    } catch (IOException e) {
      channel.close();
      throw new IOException("bind " + socket + ": " + e.getMessage(), e);
    }
  }

  /** Accepts until {@link #close}; run on its own thread. */
  void acceptLoop() {
    while (open) {
      try (SocketChannel client = server.accept()) {
        requests.accept(read(client));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!open) {
          return;
        }
        log.warn("accept on " + socket + ": " + e.getMessage());
        try {
          Thread.sleep(ACCEPT_BACKOFF);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static Set<QmgrRequest> read(SocketChannel client) throws IOException {
    Set<QmgrRequest> found = EnumSet.noneOf(QmgrRequest.class);
    ByteBuffer buffer = ByteBuffer.allocate(MAX_REQUEST_BYTES);
    client.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      client.register(selector, SelectionKey.OP_READ);
      while (buffer.hasRemaining() && selector.select(REQUEST_WAIT.toMillis()) > 0) {
        selector.selectedKeys().clear();
        if (client.read(buffer) < 0) {
          break;
        }
      }
    }
    buffer.flip();
    while (buffer.hasRemaining()) {
      QmgrRequest.of(buffer.get()).ifPresent(found::add);
    }
    if (found.isEmpty()) {
      found.add(QmgrRequest.WAKEUP);
    }
    return found;
  }

  /** Stops accepting and removes the socket. */
  void close() {
    open = false;
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("close " + socket + ": " + e.getMessage());
    }
  }
}
