package org.postern.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A PostgreSQL server of its own for one test class (Debian's postgresql-15): a cluster made by
 * initdb in the test's directory, owned by the {@code postgres} user, listening on one loopback
 * address and a free port, with password (SCRAM) authentication for {@code postgres} /
 * {@link #PASSWORD}. Stopped and started again by {@link #stop} and {@link #start}; never the
 * system's cluster.
 */
final class PostgresServer implements AutoCloseable {
  static final String PASSWORD = "pg-secret";
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Duration LIMIT = Duration.ofSeconds(90);

  private final Path dir;
  private final String address;
  private final int port;
  private final String tls;
  private boolean running;

  private PostgresServer(Path dir, String address, int port, String tls) {
    this.dir = dir;
    this.address = address;
    this.port = port;
    this.tls = tls;
  }

  /** Creates a cluster under {@code dir} and starts it on {@code address}, without TLS. */
  static PostgresServer create(Path dir, String address) throws IOException, InterruptedException {
    return create(dir, address, List.of());
  }

  /**
   * Creates a cluster under {@code dir} and starts it on {@code address}; with {@code certAndKey}
   * (PEM files, may be empty) it also offers TLS.
   */
  static PostgresServer create(Path dir, String address, List<Path> certAndKey)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    // The server runs as postgres: it must reach its directory through the test's own.
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
      if (mode.add(PosixFilePermission.OTHERS_EXECUTE)) {
        Files.setPosixFilePermissions(p, mode);
      }
    }
    UserPrincipal postgres =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
    Path home = Files.createDirectories(dir.resolve("pg"));
    Files.setOwner(home, postgres);
    Path pw = Files.writeString(home.resolve("pw"), PASSWORD + "\n");
    Files.setOwner(pw, postgres);
    Commands.ok(asPostgres(BIN.resolve("initdb").toString(), "-D", home.resolve("data").toString(),
        "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pw, "-E", "UTF8", "--locale=C",
        "--no-sync"), null, LIMIT);
    String tls = "";
    if (!certAndKey.isEmpty()) {
      Path cert = Files.copy(certAndKey.get(0), home.resolve("server.pem"));
      Path key = Files.copy(certAndKey.get(1), home.resolve("server.key"));
      Files.setOwner(cert, postgres);
      Files.setOwner(key, postgres);
      Files.setPosixFilePermissions(key, Set.of(PosixFilePermission.OWNER_READ));
      tls = " -c ssl=on -c ssl_cert_file=" + cert + " -c ssl_key_file=" + key;
    }
    PostgresServer server = new PostgresServer(dir, address, freePort(address), tls);
    server.start();
    return server;
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  private static List<String> asPostgres(String... argv) {
    List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    all.addAll(List.of(argv));
    return all;
  }

  String address() {
    return address;
  }

  int port() {
    return port;
  }

  /** The directory of the server's UNIX-domain socket, {@code .s.PGSQL.<port>}. */
  Path socketDirectory() {
    return dir.resolve("pg");
  }

  void start() throws IOException, InterruptedException {
    Path home = dir.resolve("pg");
    Commands.ok(asPostgres(BIN.resolve("pg_ctl").toString(), "-D", home.resolve("data").toString(),
        "-l", home.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-c listen_addresses=" + address + " -p " + port + " -c unix_socket_directories="
            + home + " -c fsync=off" + tls, "start"), null, LIMIT);
    running = true;
  }

  void stop() throws IOException, InterruptedException {
    Commands.ok(asPostgres(BIN.resolve("pg_ctl").toString(), "-D",
        dir.resolve("pg/data").toString(), "-m", "fast", "-w", "stop"), null, LIMIT);
    running = false;
  }

  /** Runs {@code statements} in database {@code database} as the superuser. */
  void sql(String database, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(
            "jdbc:postgresql://" + address + ":" + port + "/" + database, "postgres", PASSWORD);
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  /** The number {@code query} (one row, one column) answers in {@code database}. */
  long number(String database, String query) throws SQLException {
    try (Connection c = DriverManager.getConnection(
            "jdbc:postgresql://" + address + ":" + port + "/" + database, "postgres", PASSWORD);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (running) {
      stop();
    }
  }
}
