package org.postern.qmgr;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;

/**
 * The client side of the qmgr wake-up, Postfix's {@code mail_trigger(3)} to {@code public/qmgr}:
 * cleanup and pickup send {@link QmgrRequest#SCAN_INCOMING} after queuing a message, {@code
 * postqueue -f} sends {@link #FLUSH}. A hint only: when qmgr is not running, the mail waits in the
 * queue until it starts.
 *
 * <p>Failure: never throws and never blocks for long; an absent, refusing or busy socket makes
 * {@link #send} return false.
 */
public final class QmgrTrigger {
  /** What {@code postqueue -f} and {@code sendmail -q} send (Postfix's mail_flush_deferred). */
  public static final QmgrRequest[] FLUSH = {
    QmgrRequest.FLUSH_DEAD, QmgrRequest.SCAN_ALL, QmgrRequest.SCAN_DEFERRED, QmgrRequest.SCAN_INCOMING
  };

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private QmgrTrigger() {}

  /** The socket qmgr listens on under {@code queues}. */
  public static Path socket(Queues queues) {
    return queues.directory(QueueName.PUBLIC).resolve("qmgr");
  }

  /** Writes {@code requests} to a running qmgr; true when they were delivered. */
  public static boolean send(Queues queues, QmgrRequest... requests) {
    byte[] bytes = new byte[requests.length];
    for (int i = 0; i < requests.length; i++) {
      bytes[i] = (byte) requests[i].letter();
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.configureBlocking(false);
      if (!channel.connect(UnixDomainSocketAddress.of(socket(queues))) && !finish(channel)) {
        return false;
      }
      channel.configureBlocking(true);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean finish(SocketChannel channel) throws IOException {
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_CONNECT);
      return selector.select(CONNECT_TIMEOUT.toMillis()) > 0 && channel.finishConnect();
    }
  }
}
