package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx serving HTTPS sites in the foreground with its own configuration, pid file, logs
 * and temporary directories under a test directory: one {@code server} block per site, chosen by
 * SNI, each with a certificate and a document root. Runs its worker as root, as the test does,
 * so that it can read files under a private temporary directory.
 */
final class Nginx implements AutoCloseable {
  /** A site: its host name, {cert, key} PEM files and document root. */
  record Site(String name, List<Path> certAndKey, Path root) {}

  private final Process process;
  private final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Starts nginx listening on {@code address}:443 for {@code sites}; waits until it accepts. */
  static Nginx start(Path dir, String address, List<Site> sites)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("tmp"));
    List<String> conf = new ArrayList<>(List.of(
        "user root;",
        "worker_processes 1;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " info;",
        "events { worker_connections 64; }",
        "http {",
        "  log_format hosts '$host \"$request\" $status';",
        "  access_log " + dir.resolve("access.log") + " hosts;",
        "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
        "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
        "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
        "  types { }",
        "  default_type text/plain;"));
    for (Site s : sites) {
      conf.addAll(List.of(
          "  server {",
          "    listen " + address + ":443 ssl;",
          "    server_name " + s.name() + ";",
          "    ssl_certificate " + s.certAndKey().get(0) + ";",
          "    ssl_certificate_key " + s.certAndKey().get(1) + ";",
          "    root " + s.root() + ";",
          "  }"));
    }
    conf.add("}");
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, String.join("\n", conf) + "\n", StandardCharsets.US_ASCII);
    Process p = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-e",
        dir.resolve("error.log").toString(), "-c", file.toString(), "-g", "daemon off;")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nginx.out").toFile())
        .start();
    Nginx n = new Nginx(p, dir);
    boolean up = Commands.await(Duration.ofSeconds(20), () -> p.isAlive() && accepts(address));
    if (!up) {
      n.close();
    }
    assertThat(up).as("nginx on " + address + ":443; log:\n" + n.log()).isTrue();
    return n;
  }

  private static boolean accepts(String address) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, 443), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The access log so far: one line per request, {@code HOST "REQUEST" STATUS}. */
  List<String> requests() throws IOException {
    Path log = dir.resolve("access.log");
    return Files.isRegularFile(log) ? Files.readAllLines(log) : List.of();
  }

  String log() {
    try {
      Path log = dir.resolve("error.log");
      return Files.isRegularFile(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(error.log unreadable: " + e + ")";
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
