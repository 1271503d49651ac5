package org.postern.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What Postfix's spawn(8) does for a policy server that speaks on stdin and stdout (Debian's
 * {@code policyd-spf}): a TCP listener that runs the command once per connection, the socket's
 * input on its stdin and its stdout back to the socket. The command's stderr is kept for failure
 * messages.
 */
final class Spawn implements AutoCloseable {
  private final ServerSocket listener;
  private final List<String> argv;
  private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
  private final StringBuffer stderr = new StringBuffer();

  private Spawn(ServerSocket listener, List<String> argv) {
    this.listener = listener;
    this.argv = argv;
  }

  /** Listens on {@code address}:{@code port} and runs {@code argv} for each connection. */
  static Spawn start(String address, int port, List<String> argv) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    Spawn spawn = new Spawn(s, List.copyOf(argv));
    Thread.ofVirtual().name("spawn-" + port).start(spawn::accept);
    return spawn;
  }

  private void accept() {
    try {
      while (true) {
        Socket c = listener.accept();
        Process p = new ProcessBuilder(argv).start();
        processes.add(p);
        Thread.ofVirtual().start(() -> copy(c, p));
      }
    } catch (IOException e) {
      // The listener was closed: the test is over.
    }
  }

  private void copy(Socket c, Process p) {
    Thread.ofVirtual().start(() -> pump(p.getErrorStream(), null));
    Thread toProcess = Thread.ofVirtual().start(() -> {
      try {
        pump(c.getInputStream(), p.getOutputStream());
      } catch (IOException e) {
        // The socket is gone; the process sees end of input.
      }
    });
    try (c) {
      pump(p.getInputStream(), c.getOutputStream());
      toProcess.join();
    } catch (IOException e) {
      // The client hung up.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      p.destroy();
    }
  }

  /** Copies until end of input; with no output, keeps the bytes as stderr text. */
  private void pump(InputStream in, OutputStream out) {
    byte[] b = new byte[4096];
    try (in) {
      for (int n; (n = in.read(b)) > 0; ) {
        if (out == null) {
          stderr.append(new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8));
        } else {
          out.write(b, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // One side closed; the other follows.
    } finally {
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          // Already closed.
        }
      }
    }
  }

  String stderr() {
    return stderr.toString();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    synchronized (processes) {
      processes.forEach(Process::destroy);
    }
  }
}
