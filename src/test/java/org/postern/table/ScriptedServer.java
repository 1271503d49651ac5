package org.postern.table;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server on an ephemeral port for socketmap: and tcp: tests. Each connection is
 * served on a virtual thread by the script, which reads requests and writes replies; the
 * requests seen and the number of connections are recorded for assertions.
 */
final class ScriptedServer implements AutoCloseable {
  /** Serves one connection; returns when the connection should be closed. */
  interface Script {
    void serve(InputStream in, OutputStream out, List<String> requests) throws IOException;
  }

  private final ServerSocket server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<Socket> connections = new CopyOnWriteArrayList<>();

  ScriptedServer(Script script) throws IOException {
    this(InetAddress.getLoopbackAddress(), script);
  }

  /** A server on {@code address}, for tests that keep to their own loopback range. */
  ScriptedServer(InetAddress address, Script script) throws IOException {
    server = new ServerSocket(0, 50, address);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  connections.add(s);
                  Thread.ofVirtual().start(() -> serve(script, s));
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  private void serve(Script script, Socket s) {
    try (s) {
      script.serve(s.getInputStream(), s.getOutputStream(), requests);
    } catch (IOException e) {
      requests.add("server error: " + e.getMessage());
    }
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
