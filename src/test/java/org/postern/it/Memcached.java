package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's memcached in the foreground on one loopback address and port, TCP only, as the
 * server of {@code memcache:} tables. {@link #stop()} and {@link #start()} take it down and
 * bring it back on the same address (empty, as a restarted memcached is), for tests of a cache
 * that goes away during a run.
 */
public final class Memcached implements AutoCloseable {
  private final String host;
  private final int port;
  private final Path log;
  private Process process;

  private Memcached(String host, int port, Path log) {
    this.host = host;
    this.port = port;
    this.log = log;
  }

  /** Starts memcached on {@code host:port}, its output in {@code dir/memcached.log}. */
  public static Memcached start(Path dir, String host, int port)
      throws IOException, InterruptedException {
    Memcached m = new Memcached(host, port, dir.resolve("memcached-" + host + "-" + port + ".log"));
    m.start();
    return m;
  }

  /** Starts the server again after {@link #stop()}. */
  public void start() throws IOException, InterruptedException {
    process = new ProcessBuilder("/usr/bin/memcached", "-u", "nobody", "-l", host,
            "-p", Integer.toString(port), "-U", "0", "-m", "16", "-v")
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
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code inet:host:port}, as a memcache_table(5) {@code memcache} setting. */
  public String endpoint() {
    return "inet:" + host + ":" + port;
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
