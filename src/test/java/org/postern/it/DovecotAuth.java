package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Dovecot running only its auth service, as SASL_README sets it up for Postfix: a
 * passwd-file passdb ({@code user:{PLAIN}password} lines), {@code auth_mechanisms = plain login},
 * and an auth client UNIX listener at {@link #socket()}. Foreground, with its own configuration
 * under a temporary directory; no IMAP, POP3 or LMTP.
 */
public final class DovecotAuth implements AutoCloseable {
  private final Process process;
  private final Path socket;

  private DovecotAuth(Process process, Path socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts Dovecot under {@code dir}; {@code users} are passwd-file lines. */
  public static DovecotAuth start(Path dir, List<String> users) throws IOException, InterruptedException {
    return start(dir, users, "plain login");
  }

  /** {@link #start(Path, List)} with {@code auth_mechanisms = mechanisms}, e.g. {@code cram-md5}. */
  public static DovecotAuth start(Path dir, List<String> users, String mechanisms)
      throws IOException, InterruptedException {
    Path root = Files.createDirectories(dir.resolve("dovecot-auth"));
    // The auth process runs as the dovecot user: it must reach the passwd-file.
    for (Path d = root; d != null && d.startsWith(dir); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
    }
    Path passwd = root.resolve("users");
    Files.write(passwd, users, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
    Path run = Files.createDirectories(root.resolve("run"));
    Path conf = root.resolve("dovecot.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "base_dir = " + run,
            "state_dir = " + Files.createDirectories(root.resolve("state")),
            "log_path = " + root.resolve("dovecot.log"),
            "protocols = none",
            "ssl = no",
            "disable_plaintext_auth = no",
            "auth_mechanisms = " + mechanisms,
            "auth_failure_delay = 0",
            "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN " + passwd + "\n}",
            "userdb {\n  driver = static\n  args = uid=65534 gid=65534 home=/nonexistent\n}",
            "service auth {\n  unix_listener postern-auth {\n    mode = 0666\n  }\n}",
            ""),
        StandardCharsets.US_ASCII);
    Process p =
        new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("dovecot.out").toFile())
            .start();
    Path socket = run.resolve("postern-auth");
    DovecotAuth d = new DovecotAuth(p, socket);
    boolean up = Commands.await(Duration.ofSeconds(30), () -> p.isAlive() && connects(socket));
    if (!up) {
      d.close();
    }
    assertThat(up).as("Dovecot auth socket " + socket).isTrue();
    return d;
  }

  private static boolean connects(Path socket) {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return c.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false;
    }
  }

  public Path socket() {
    return socket;
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
