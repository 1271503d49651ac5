package org.postern.master;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The client side of the master's control socket, used by {@code postern status|reload|stop}.
 *
 * <p>Failure: an IOException naming the socket when nothing listens there, when the master does
 * not answer within the time limit, or when the answer is larger than {@value #MAX_REPLY} bytes.
 */
public final class ControlClient {
  static final int MAX_REPLY = 64 * 1024;

  private final Path socket;

  public ControlClient(Path socket) {
    this.socket = socket;
  }

  /** Sends {@code request} ({@code status}, {@code reload}, {@code stop}) and reads the reply. */
  @SuppressWarnings("try") // the deadline only needs closing
  public ControlReply request(String request, Duration timeout) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Deadline d = Deadline.closeAfter(ch, timeout)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
      return ControlReply.decode(readAll(ch));
    } catch (AsynchronousCloseException e) {
      throw new IOException(
          socket + ": no answer from the master within " + timeout.toSeconds() + "s", e);
    } catch (IOException e) {
      throw new IOException(socket + ": " + e.getMessage(), e);
    }
  }

  private static String readAll(SocketChannel ch) throws IOException {
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (ch.read(buffer) >= 0) {
      reply.write(buffer.array(), 0, buffer.position());
      buffer.clear();
      if (reply.size() > MAX_REPLY) {
        throw new IOException("reply larger than " + MAX_REPLY + " bytes");
      }
    }
    return reply.toString(StandardCharsets.UTF_8);
  }
}
