package org.postern.sasl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.postern.util.LineChannel;

/**
 * An in-memory auth server: what it "says" is written into a pipe before or between the client's
 * calls, and what the client sent is read back from the other pipe.
 */
final class ScriptedAuthServer implements AutoCloseable {
  static final String GREETING =
      "VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nSPID\t4242\nCUID\t7\n"
          + "COOKIE\t0123456789abcdef\nDONE\n";

  private final Pipe toClient;
  private final Pipe fromClient;

  ScriptedAuthServer() throws IOException {
    toClient = Pipe.open();
    fromClient = Pipe.open();
  }

  ScriptedAuthServer say(String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      toClient.sink().write(b);
    }
    return this;
  }

  /** The server hangs up: the client reads end of input after what was said. */
  void hangUp() throws IOException {
    toClient.sink().close();
  }

  DovecotAuthClient client(Duration timeout) throws IOException {
    return new DovecotAuthClient(new LineChannel(DovecotAuthClient.AUTH_SERVER, toClient.source(), fromClient.sink()), timeout, 99);
  }

  /** Everything the client has written so far. */
  String heard() throws IOException {
    fromClient.source().configureBlocking(false);
    StringBuilder out = new StringBuilder();
    ByteBuffer b = ByteBuffer.allocate(65536);
    while (fromClient.source().read(b) > 0) {
      b.flip();
      out.append(StandardCharsets.UTF_8.decode(b));
      b.clear();
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    toClient.sink().close();
    toClient.source().close();
    fromClient.sink().close();
    fromClient.source().close();
  }
}
