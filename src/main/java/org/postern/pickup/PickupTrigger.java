package org.postern.pickup;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import java.time.Duration;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;

/**
 * The client side of the pickup wake-up: what sendmail does after it has committed a file to
 * maildrop. It connects to {@code $queue_directory/public/pickup} and writes one byte (Postfix's
 * trigger request {@code W}, wake up). This is a hint only: when nobody listens (the daemon is
 * down) the file simply waits in maildrop, and a running pickup finds it on its next periodic
 * scan anyway.
 *
 * <p>Start-up cost: the first socket a JVM opens makes {@link SelectorProvider#provider()} look
 * for a provider with a ServiceLoader, which opens every jar on the class path (about 7 ms of a
 * 30 ms sendmail run, icu4j's large index among them). On Linux this class names the JDK's own
 * provider, the one that search ends with, through the system property the JDK reads first, for
 * that first opening only.
 *
 * <p>Failure: never fails and never blocks for long: the connect is non-blocking and waits at most
 * a second for a busy listener; a refused, missing or busy socket makes {@link #wake} return
 * false.
 */
public final class PickupTrigger {
  /** Postfix's trigger request byte for "wake up". */
  static final byte WAKEUP = 'W';

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /** The system property {@link SelectorProvider#provider()} consults before its ServiceLoader. */
  static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";

  /** The provider the JDK uses on Linux when no other is installed. */
  static final String LINUX_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

  private PickupTrigger() {}

  /** The socket pickup listens on under {@code queues}. */
  public static Path socket(Queues queues) {
    return queues.directory(QueueName.PUBLIC).resolve("pickup");
  }

  /** Waits a bounded time for a pending connect. */
  private static boolean finish(SocketChannel channel) throws IOException {
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_CONNECT);
      return selector.select(CONNECT_TIMEOUT.toMillis()) > 0 && channel.finishConnect();
    }
  }

  /** Asks a running pickup to scan maildrop now; true when the request was delivered. */
  public static boolean wake(Queues queues) {
    Path socket = socket(queues);
    try (SocketChannel channel = open()) {
      channel.configureBlocking(false);
      if (!channel.connect(UnixDomainSocketAddress.of(socket)) && !finish(channel)) {
        return false; // a backlog that stays full: pickup is busy and will scan again anyway
      }
      try {
        channel.write(ByteBuffer.wrap(new byte[] {WAKEUP}));
      } catch (IOException e) {
        // pickup took the connection itself as the request and has closed it already
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A UNIX-domain socket channel, opened without the provider search where it can be. */
  private static SocketChannel open() throws IOException {
    boolean named = System.getProperty(PROVIDER_PROPERTY) == null && linuxProviderPresent();
    if (named) {
      System.setProperty(PROVIDER_PROPERTY, LINUX_PROVIDER);
    }
    try {
      return SocketChannel.open(StandardProtocolFamily.UNIX);
    } finally {
      if (named) {
        System.clearProperty(PROVIDER_PROPERTY); // read once: the provider is chosen now
      }
    }
  }

  private static boolean linuxProviderPresent() {
    if (!"Linux".equals(System.getProperty("os.name"))) {
      return false;
    }
    try {
      Class.forName(LINUX_PROVIDER, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
