package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's unbound answering an unsigned test zone from {@code local-data} on 127.0.0.1 and a
 * free port, in the foreground with its own configuration; Postern reaches it through {@code
 * postern_dns_resolver_address}. Every other {@code .test} name is NXDOMAIN. {@link DnssecWorld}
 * starts it as a validating resolver through {@link #launch}.
 */
final class Unbound implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private Unbound(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts unbound in {@code dir} with {@code records} (zone file lines) as local data. */
  static Unbound start(Path dir, List<String> records) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(server(dir, port, "iterator"));
    conf.add("  local-zone: \"test.\" static");
    for (String record : records) {
      conf.add("  local-data: \"" + record + "\"");
    }
    return launch(dir, port, conf);
  }

  /**
   * The {@code server:} clause every test unbound shares: {@code 127.0.0.1@port}, foreground, no
   * privilege changes, files under {@code dir}, the given {@code module-config}.
   */
  static List<String> server(Path dir, int port, String modules) {
    return List.of(
        "server:",
        "  interface: 127.0.0.1@" + port,
        "  port: " + port,
        "  do-ip6: no",
        "  do-daemonize: no",
        "  username: \"\"",
        "  chroot: \"\"",
        "  directory: \"" + dir + "\"",
        "  pidfile: \"" + dir.resolve("unbound.pid") + "\"",
        "  use-syslog: no",
        "  logfile: \"\"",
        "  verbosity: 1",
        "  num-threads: 1",
        "  module-config: \"" + modules + "\"",
        "  access-control: 127.0.0.0/8 allow");
  }

  /**
   * Checks {@code conf} with unbound-checkconf, starts unbound with it and waits until it answers
   * {@code test. SOA} (the configuration must answer that name, for example from a local zone).
   */
  static Unbound launch(Path dir, int port, List<String> conf)
      throws IOException, InterruptedException {
    Path file = dir.resolve("unbound.conf");
    Files.writeString(file, String.join("\n", conf) + "\n", StandardCharsets.US_ASCII);
    Commands.ok(List.of("/usr/sbin/unbound-checkconf", file.toString()), null, Duration.ofSeconds(30));
    Path log = dir.resolve("unbound.log");
    Process p =
        new ProcessBuilder("/usr/sbin/unbound", "-d", "-c", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Unbound u = new Unbound(p, port, log);
    boolean answers =
        Commands.await(
            Duration.ofSeconds(20),
            () -> {
              try {
                return p.isAlive()
                    && Commands.run(
                                List.of("/usr/bin/python3", "-c", PROBE, Integer.toString(port)),
                                null,
                                Duration.ofSeconds(10))
                            .status()
                        == 0;
              } catch (IOException e) {
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            });
    if (!answers) {
      u.close();
    }
    assertThat(answers).as("unbound answering on 127.0.0.1:" + port + "; log:\n" + u.log()).isTrue();
    return u;
  }

  /** Sends one DNS query for {@code test. SOA} over UDP and exits 0 on any answer. */
  private static final String PROBE =
      """
      import socket, sys
      q = bytes.fromhex("12340100000100000000000004746573740000060001")
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.settimeout(1)
      s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
      s.recvfrom(512)
      """;

  /** The value for {@code postern_dns_resolver_address}. */
  String address() {
    return "127.0.0.1:" + port;
  }

  String log() {
    try {
      return Files.isRegularFile(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(" + log + " unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
