package org.postern.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of its own for one test class (Debian's mariadb-server): a data directory made
 * by mariadb-install-db in the test's directory, mariadbd running as {@code mysql} on one loopback
 * address and a free port, optionally with a TLS certificate. {@link #sql} runs statements as
 * root over the server's own socket with the mariadb client. Stopped and started again by
 * {@link #stop} and {@link #start}; never the system's server.
 */
final class MariaDbServer implements AutoCloseable {
  private static final Duration LIMIT = Duration.ofSeconds(90);

  private final Path home;
  private final String address;
  private final int port;
  private final List<String> tls;
  private Process process;

  private MariaDbServer(Path home, String address, int port, List<String> tls) {
    this.home = home;
    this.address = address;
    this.port = port;
    this.tls = tls;
  }

  /**
   * Creates a data directory under {@code dir} and starts the server on {@code address}; with
   * {@code certAndKey} (may be empty) and {@code caCert} it also offers TLS.
   */
  static MariaDbServer create(Path dir, String address, List<Path> certAndKey, Path caCert)
      throws IOException, InterruptedException {
    Path home = Files.createDirectories(dir.resolve("mariadb"));
    for (Path p = home.getParent().toAbsolutePath(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
      if (mode.add(PosixFilePermission.OTHERS_EXECUTE)) {
        Files.setPosixFilePermissions(p, mode);
      }
    }
    UserPrincipal mysql =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mysql");
    Files.setOwner(home, mysql);
    List<String> tls = new ArrayList<>();
    if (!certAndKey.isEmpty()) {
      for (Path file : List.of(certAndKey.get(0), certAndKey.get(1), caCert)) {
        Path copy = Files.copy(file, home.resolve(file.getFileName()));
        Files.setOwner(copy, mysql);
      }
      tls.addAll(List.of("--ssl-cert=" + home.resolve(certAndKey.get(0).getFileName()),
          "--ssl-key=" + home.resolve(certAndKey.get(1).getFileName()),
          "--ssl-ca=" + home.resolve(caCert.getFileName())));
    }
    Commands.ok(List.of("mariadb-install-db", "--no-defaults", "--user=mysql",
        "--datadir=" + home.resolve("data"), "--skip-test-db", "--auth-root-authentication-method=socket"),
        null, LIMIT);
    MariaDbServer server = new MariaDbServer(home, address, freePort(address), tls);
    server.start();
    return server;
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  String address() {
    return address;
  }

  int port() {
    return port;
  }

  /** The server's UNIX-domain socket. */
  Path socket() {
    return home.resolve("sock");
  }

  void start() throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("/usr/sbin/mariadbd", "--no-defaults",
        "--user=mysql", "--datadir=" + home.resolve("data"), "--bind-address=" + address,
        "--port=" + port, "--socket=" + home.resolve("sock"), "--pid-file=" + home.resolve("pid"),
        "--log-error=" + home.resolve("error.log"), "--skip-name-resolve"));
    argv.addAll(tls);
    process = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(home.resolve("stdout.log").toFile()).start();
    boolean up = Commands.await(LIMIT, () -> {
      try (Socket s = new Socket(address, port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    if (!up) {
      throw new AssertionError("mariadbd did not listen on " + address + ":" + port + ": "
          + Files.readString(home.resolve("error.log")));
    }
  }

  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("mariadbd did not stop within " + LIMIT);
    }
    process = null;
  }

  /** Runs {@code statements} as root in database {@code database} (empty for none). */
  void sql(String database, String... statements) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("mariadb", "--no-defaults",
        "--socket=" + home.resolve("sock"), "-u", "root"));
    if (!database.isEmpty()) {
      argv.add(database);
    }
    Commands.ok(argv, String.join(";\n", statements) + ";\n", LIMIT);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      stop();
    }
  }
}
