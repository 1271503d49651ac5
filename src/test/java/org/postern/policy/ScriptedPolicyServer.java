package org.postern.policy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.postern.util.LineChannel;

/**
 * A policy server whose answers a test scripts: each request (its attributes) goes to the
 * responder, whose text is written back as is ({@code "action=DUNNO\n\n"}); a null text hangs up,
 * and a text ending in {@link #HANG_UP} is written and then the server hangs up.
 * It serves in-memory pipes (as a {@link PolicyClient.Connector}) or a UNIX-domain socket.
 */
public final class ScriptedPolicyServer implements PolicyClient.Connector, AutoCloseable {
  /** One request as the server read it, with the number of the connection it came on. */
  public record Request(int connection, Map<String, String> attributes) {}

  /** At the end of a reply: hang up once it is written. */
  public static final String HANG_UP = "\u0000";

  private final Function<Map<String, String>, String> responder;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger hungUp = new AtomicInteger();
  private final List<java.io.Closeable> open = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean refusing;

  public ScriptedPolicyServer(Function<Map<String, String>, String> responder) {
    this.responder = responder;
  }

  /** Every request answers with {@code action=<action>}. */
  public static ScriptedPolicyServer answering(String action) {
    return new ScriptedPolicyServer(a -> "action=" + action + "\n\n");
  }

  /** From now on connections are refused. */
  public void refuse() {
    refusing = true;
  }

  @Override
  public LineChannel connect(PolicyService service) throws IOException {
    if (refusing) {
      throw new IOException("Connection refused");
    }
    Pipe toClient = Pipe.open();
    Pipe fromClient = Pipe.open();
    open.addAll(List.of(toClient.sink(), toClient.source(), fromClient.sink(), fromClient.source()));
    int n = connections.incrementAndGet();
    Thread.ofVirtual().start(() -> serve(n, fromClient.source(), toClient.sink()));
    return new LineChannel("policy server " + service.endpoint(), toClient.source(), fromClient.sink());
  }

  /** Listens on the UNIX-domain {@code socket} until closed. */
  public ScriptedPolicyServer listen(Path socket) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return serve(server);
  }

  /** Listens on TCP {@code address} until closed. */
  public ScriptedPolicyServer listen(InetSocketAddress address) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(address);
    return serve(server);
  }

  private ScriptedPolicyServer serve(ServerSocketChannel server) {
    open.add(server);
    Thread.ofVirtual().start(() -> {
      try {
        while (true) {
          SocketChannel c = server.accept();
          open.add(c);
          int n = connections.incrementAndGet();
          Thread.ofVirtual().start(() -> serve(n, c, c));
        }
      } catch (IOException e) {
        // Closed by the test.
      }
    });
    return this;
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public int connections() {
    return connections.get();
  }

  /** Waits until the server has hung up {@code n} connections by script. */
  public void awaitHangUps(int n) throws InterruptedException {
    while (hungUp.get() < n) {
      Thread.sleep(10);
    }
  }

  private void serve(int connection, ReadableByteChannel in, WritableByteChannel out) {
    try (in; out) {
      while (true) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
          int eq = line.indexOf('=');
          attributes.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
        }
        requests.add(new Request(connection, attributes));
        String reply = responder.apply(attributes);
        if (reply == null) {
          return;
        }
        boolean hangUp = reply.endsWith(HANG_UP);
        ByteBuffer b = ByteBuffer.wrap(
            reply.substring(0, reply.length() - (hangUp ? 1 : 0)).getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) {
          out.write(b);
        }
        if (hangUp) {
          in.close();
          out.close();
          hungUp.incrementAndGet();
          return;
        }
      }
    } catch (IOException e) {
      // The client hung up.
    }
  }

  private static String line(ReadableByteChannel in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      one.clear();
      if (in.read(one) < 0) {
        throw new IOException("end of input");
      }
      if (one.get(0) == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(one.get(0));
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (open) {
      for (java.io.Closeable c : open) {
        c.close();
      }
    }
  }
}
