package org.postern.pickup;

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
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.queue.Queues;

/**
 * pickup(8): moves local submissions from maildrop into the mail system. While running it scans
 * maildrop at start, whenever a client connects to {@code $queue_directory/public/pickup} (sendmail
 * does after each drop, see {@link PickupTrigger}), and at least every 60 seconds, as Postfix's
 * pickup does under its trigger server. Each file is handed to cleanup through a {@link
 * CleanupSink}; see {@link MaildropScanner} for what happens to each file.
 *
 * <p>Two virtual threads: one accepts wake-up connections (the connection itself is the request;
 * the request byte is read with a short bounded wait), one scans. The scanner sleeps on a semaphore between passes,
 * so an idle pickup costs nothing and many wake-ups in a row make one pass.
 *
 * <p>Failure: a pass that fails (an unreadable maildrop, a bug) is logged and retried at the next
 * wake-up or period; nothing is lost, since files leave maildrop only after cleanup queued them.
 * {@link #start} fails when the socket cannot be bound.
 */
public final class Pickup {
  /** Postfix's pickup period: the master wakes pickup every 60 seconds. */
  public static final Duration SCAN_INTERVAL = Duration.ofSeconds(60);

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration ACCEPT_BACKOFF = Duration.ofSeconds(1);
  private static final Duration REQUEST_WAIT = Duration.ofSeconds(1);

  private final Queues queues;
  private final MaildropScanner scanner;
  private final PickupLog log;
  private final Duration interval;
  private final Semaphore wakeups = new Semaphore(0);
  private final ReentrantLock lifecycle = new ReentrantLock();
  private volatile boolean running;
  private ServerSocketChannel server;
  private Thread acceptor;
  private Thread scanThread;

  public Pickup(
      Queues queues, CleanupSink cleanup, PickupSettings settings, PickupLog log, Clock clock) {
    this(queues, cleanup, settings, log, clock, SCAN_INTERVAL);
  }

  // Visible for testing
  Pickup(
      Queues queues,
      CleanupSink cleanup,
      PickupSettings settings,
      PickupLog log,
      Clock clock,
      Duration interval) {
    this.queues = queues;
    this.scanner = new MaildropScanner(queues, cleanup, settings, log, clock);
    this.log = log;
    this.interval = interval;
  }

  /** The UNIX-domain socket that wakes this pickup. */
  public Path socket() {
    return PickupTrigger.socket(queues);
  }

  /** Binds the wake-up socket and starts scanning; the first pass runs at once. */
  public void start() throws IOException {
    lifecycle.lock();
    try {
      if (running) {
        throw new IllegalStateException("pickup is already running");
      }
      queues.createDirectories();
      server = bind(socket());
      running = true;
      wakeups.release();
      acceptor = Thread.ofVirtual().name("pickup-trigger").start(this::acceptLoop);
      scanThread = Thread.ofVirtual().name("pickup").start(this::scanLoop);
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * Stops accepting wake-ups, lets a pass in progress finish its current file (interrupting it
   * after a grace period), and removes the socket.
   */
  public void stop() throws InterruptedException {
    lifecycle.lock();
    try {
      if (!running) {
        return;
      }
      running = false;
      closeServer();
      wakeups.release();
      join(acceptor);
      join(scanThread);
      Files.deleteIfExists(socket());
    } catch (IOException e) {
      log.warning("remove " + socket() + ": " + e.getMessage());
    } finally {
      lifecycle.unlock();
    }
  }

  public boolean isRunning() {
    return running;
  }

  /** Requests a pass, as a connection to the socket does; for callers in the same process. */
  public void wakeUp() {
    wakeups.release();
  }

  private static ServerSocketChannel bind(Path socket) throws IOException {
    Files.deleteIfExists(socket); // left by a pickup that did not stop cleanly
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(socket));
      // Every local user may wake pickup, as with Postfix's public/pickup (mode 0622).
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw--w--w-"));
      return channel;
    } catch (IOException | UnsupportedOperationException e) {
      channel.close();
      throw e instanceof IOException io ? io : new IOException("bind " + socket, e);
    }
  }

  private void acceptLoop() {
    while (running) {
      try (SocketChannel client = server.accept()) {
        wakeups.release();
        awaitRequest(client);
      } catch (ClosedChannelException e) { // stop() closed the server socket
        return;
      } catch (IOException e) {
        if (!running) {
          return;
        }
        log.warning("accept on " + socket() + ": " + e.getMessage());
        if (!pause(ACCEPT_BACKOFF)) {
          return;
        }
      }
    }
  }

  /**
   * Reads the request byte, waiting briefly, so that the client's write does not meet a closed
   * socket. The connection alone already counted as the wake-up.
   */
  private static void awaitRequest(SocketChannel client) throws IOException {
    client.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      client.register(selector, SelectionKey.OP_READ);
      if (selector.select(REQUEST_WAIT.toMillis()) > 0) {
        client.read(ByteBuffer.allocate(16));
      }
    }
  }

  private void scanLoop() {
    while (running) {
      try {
        if (!wakeups.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS) && !running) {
          return;
        }
        wakeups.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!running) {
        return;
      }
      try {
        scanner.scan(() -> running);
      } catch (IOException | RuntimeException e) {
        log.warning("maildrop scan: " + e.getMessage());
      }
    }
  }

  private void closeServer() {
    try {
      server.close();
    } catch (IOException e) {
      log.warning("close " + socket() + ": " + e.getMessage());
    }
  }

  private static void join(Thread thread) throws InterruptedException {
    if (!thread.join(STOP_GRACE)) {
      thread.interrupt();
      thread.join();
    }
  }

  private boolean pause(Duration d) {
    try {
      Thread.sleep(d);
      return running;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
