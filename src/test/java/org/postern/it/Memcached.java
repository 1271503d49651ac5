package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's memcached in the foreground on one loopback address and port (TCP only) or on a
 * UNIX-domain socket, as the server of {@code memcache:} tables. {@link #stop()} and {@link #start()} take it down and
 * bring it back on the same address (empty, as a restarted memcached is), for tests of a cache
 * that goes away during a run.
 */
public final class Memcached implements AutoCloseable {
  private final String host;
  private final int port;
  private final Path socket;
  private final Path log;
  private Process process;

  private Memcached(String host, int port, Path socket, Path log) {
    this.host = host;
    this.port = port;
    this.socket = socket;
    this.log = log;
  }

  /** Starts memcached on {@code host:port}, its output in {@code dir/memcached.log}. */
  public static Memcached start(Path dir, String host, int port)
      throws IOException, InterruptedException {
    Memcached m = new Memcached(host, port, null,
        dir.resolve("memcached-" + host + "-" + port + ".log"));
    m.start();
    return m;
  }

  /**
   * Starts memcached on the UNIX-domain socket {@code dir/memcached.sock} only; {@code dir} is
   * made writable and its parent (a test's temporary directory) traversable for it.
   */
  public static Memcached startUnix(Path dir) throws IOException, InterruptedException {
    // memcached runs as nobody: it must reach the directory to create its socket.
    Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Memcached m = new Memcached(null, 0, dir.resolve("memcached.sock"),
        dir.resolve("memcached-unix.log"));
    m.start();
    return m;
  }

  /** Starts the server again after {@link #stop()}. */
  public void start() throws IOException, InterruptedException {
    List<String> listen = socket == null
        ? List.of("-l", host, "-p", Integer.toString(port), "-U", "0")
        : List.of("-s", socket.toString(), "-a", "0666");
    List<String> argv = new ArrayList<>(List.of("/usr/bin/memcached", "-u", "nobody", "-m",
        "16", "-v"));
    argv.addAll(listen);
    process = new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    boolean up = Commands.await(Duration.ofSeconds(30), () -> process.isAlive() && connects());
    if (!up) {
      stop();
    }
    assertThat(up).as("memcached on " + endpoint() + ", log " + log).isTrue();
  }

  private boolean connects() {
    if (socket != null) {
      try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        return c.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        return false;
      }
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code inet:host:port} or {@code unix:/path}, as a memcache_table(5) {@code memcache}. */
  public String endpoint() {
    return socket != null ? "unix:" + socket : "inet:" + host + ":" + port;
  }

  /** Stops the server; connections to it are refused until {@link #start()}. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
