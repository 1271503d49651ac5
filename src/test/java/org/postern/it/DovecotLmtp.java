package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Dovecot LMTP server (dovecot-lmtpd) on {@code host:port} over TCP, in the foreground
 * with its own configuration under a temporary directory: every local part is a user (static
 * userdb, uid nobody) with a Maildir under {@code mail/}. No TLS and no REQUIRETLS, as the
 * README says of today's message stores.
 */
final class DovecotLmtp implements AutoCloseable {
  private final Process process;
  private final Path mail;

  private DovecotLmtp(Process process, Path mail) {
    this.process = process;
    this.mail = mail;
  }

  static DovecotLmtp start(Path dir, String host, int port) throws IOException, InterruptedException {
    Path root = Files.createDirectories(dir.resolve("dovecot"));
    // Dovecot drops to nobody: every directory on the way to the Maildirs must be searchable.
    for (Path d = root; d != null && d.startsWith(dir); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
    }
    Path mail = Files.createDirectories(root.resolve("mail"));
    Files.setOwner(mail, mail.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    Path conf = root.resolve("dovecot.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "base_dir = " + Files.createDirectories(root.resolve("run")),
            "state_dir = " + Files.createDirectories(root.resolve("state")),
            "log_path = " + root.resolve("dovecot.log"),
            "protocols = lmtp",
            "listen = " + host,
            "ssl = no",
            "auth_username_format = %Ln",
            "mail_location = maildir:" + mail + "/%n",
            "passdb {\n  driver = static\n  args = nopassword=y\n}",
            "userdb {\n  driver = static\n  args = allow_all_users=yes uid=65534 gid=65534 home=" + mail + "/%n\n}",
            "service lmtp {\n  inet_listener lmtp {\n    address = " + host + "\n    port = " + port
                + "\n  }\n}",
            ""),
        StandardCharsets.US_ASCII);
    Process p =
        new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("dovecot.out").toFile())
            .start();
    DovecotLmtp d = new DovecotLmtp(p, mail);
    boolean up =
        Commands.await(
            Duration.ofSeconds(30),
            () -> {
              try (Socket s = new Socket(host, port)) {
                return p.isAlive();
              } catch (IOException e) {
                return false;
              }
            });
    if (!up) {
      d.close();
    }
    assertThat(up).as("Dovecot LMTP on " + host + ":" + port).isTrue();
    return d;
  }

  /** The stored messages of {@code user} that contain {@code marker}. */
  List<String> stored(String user, String marker) {
    Path dir = mail.resolve(user).resolve("new");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(
              f -> {
                try {
                  return Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .filter(t -> t.contains(marker))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
