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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern's lmtp(8) client against Debian's Dovecot LMTP server (dovecot-lmtpd), run in the
 * foreground with its own configuration, base_dir and Maildirs under a temporary directory and
 * two users in a passwd-file userdb: over TCP ({@code lmtp:inet:127.0.0.1:PORT}) and over a UNIX
 * socket ({@code lmtp:unix:/path}), a message for a known and an unknown user is stored for the
 * one and bounced with Dovecot's 550 5.1.1 for the other, each logged with its own status.
 */
class LmtpDovecotIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private static Process dovecot;
  private static Path dovecotLog;
  private static Path socket;
  private static Path mail;
  private static int port;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createDirectories(dir.resolve("dovecot"));
    for (Path d = root; d != null && d.startsWith(dir); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
    }
    Path base = Files.createDirectories(root.resolve("run"));
    mail = Files.createDirectories(root.resolve("mail"));
    Files.setOwner(mail, mail.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    Path users = root.resolve("users");
    Files.writeString(
        users,
        "alice:{PLAIN}secret:65534:65534::" + mail.resolve("alice") + "::\n"
            + "bob:{PLAIN}secret:65534:65534::" + mail.resolve("bob") + "::\n");
    Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
    port = PosternInstance.freePort();
    socket = base.resolve("lmtp");
    dovecotLog = root.resolve("dovecot.log");
    Path conf = root.resolve("dovecot.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "base_dir = " + base,
            "state_dir = " + Files.createDirectories(root.resolve("state")),
            "log_path = " + dovecotLog,
            "info_log_path = " + dovecotLog,
            "protocols = lmtp",
            "listen = 127.0.0.1",
            "ssl = no",
            "auth_username_format = %Ln",
            "mail_location = maildir:" + mail + "/%n",
            "passdb {",
            "  driver = passwd-file",
            "  args = " + users,
            "}",
            "userdb {",
            "  driver = passwd-file",
            "  args = " + users,
            "}",
            "service lmtp {",
            "  inet_listener lmtp {",
            "    address = 127.0.0.1",
            "    port = " + port,
            "  }",
            "  unix_listener lmtp {",
            "    mode = 0666",
            "  }",
            "}",
            ""));
    dovecot =
        new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("dovecot.out").toFile())
            .start();
    assertThat(Commands.await(Duration.ofSeconds(30), LmtpDovecotIT::dovecotListens))
        .as("Dovecot LMTP on 127.0.0.1:" + port + " and " + socket + "; log:\n" + dovecotText(root))
        .isTrue();

    Path transport = dir.resolve("transport");
    Files.writeString(
        transport,
        "inet.test lmtp:inet:127.0.0.1:" + port + "\nunix.test lmtp:unix:" + socket + "\n");
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "transport_maps = texthash:" + transport,
                ""));
    postern.startAndAwaitSmtp();
  }

  private static boolean dovecotListens() {
    if (!dovecot.isAlive()) {
      return false;
    }
    try (SmtpClient c = SmtpClient.connect(port);
        SocketChannel u = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      u.connect(UnixDomainSocketAddress.of(socket));
      return c.greeting().startsWith("220");
    } catch (IOException e) {
      return false;
    }
  }

  private static String dovecotText(Path root) {
    StringBuilder b = new StringBuilder();
    for (String f : List.of("dovecot.out", "dovecot.log")) {
      try {
        Path p = root.resolve(f);
        if (Files.isRegularFile(p)) {
          b.append(Files.readString(p));
        }
      } catch (IOException e) {
        b.append("(").append(f).append(" unreadable: ").append(e).append(")");
      }
    }
    return b.toString();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      if (dovecot != null) {
        List<ProcessHandle> all = new ArrayList<>(dovecot.descendants().toList());
        dovecot.destroy();
        if (!dovecot.waitFor(10, TimeUnit.SECONDS)) {
          dovecot.destroyForcibly();
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** The messages in {@code user}'s Maildir that contain {@code marker}. */
  private static List<String> stored(String user, String marker) throws IOException {
    List<String> found = new ArrayList<>();
    Path newDir = mail.resolve(user).resolve("new");
    if (!Files.isDirectory(newDir)) {
      return found;
    }
    try (Stream<Path> files = Files.list(newDir)) {
      for (Path f : files.toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        if (text.contains(marker)) {
          found.add(text);
        }
      }
    }
    return found;
  }

  private void deliverKnownAndUnknown(String user, String domain, String relay) throws Exception {
    String subject = "Subject: lmtp to " + domain;
    String id =
        Submit.swaks(
            postern, "sender@client.test", user + "@" + domain + ",nosuch@" + domain, "--header", subject);

    String sent =
        postern.awaitLog(Pattern.compile("(" + id + ": to=<" + user + "@" + Pattern.quote(domain) + ">, .*status=\\w+.*)"), LIMIT);
    String bounced =
        postern.awaitLog(Pattern.compile("(" + id + ": to=<nosuch@" + Pattern.quote(domain) + ">, .*status=\\w+.*)"), LIMIT);

    assertThat(sent).contains("relay=" + relay).contains("dsn=2.0.0").contains("status=sent (250 2.0.0 <" + user + "@" + domain + ">");
    assertThat(bounced)
        .contains("relay=" + relay)
        .contains("dsn=5.1.1")
        .contains("status=bounced")
        .contains("550 5.1.1 <nosuch@" + domain + "> User doesn't exist");
    assertThat(Commands.await(LIMIT, () -> quietlyStored(user, subject) == 1))
        .as(user + "'s Maildir holds the message")
        .isTrue();
  }

  private static int quietlyStored(String user, String marker) {
    try {
      return stored(user, marker).size();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void lmtpOverTcp_knownUserStoredUnknownBounced() throws Exception {
    deliverKnownAndUnknown("alice", "inet.test", "127.0.0.1[127.0.0.1]:" + port);
  }

  @Test
  void lmtpOverUnixSocket_knownUserStoredUnknownBounced() throws Exception {
    // As Postfix's lmtp logs a UNIX-domain peer: myhostname[socket path].
    deliverKnownAndUnknown("bob", "unix.test", "client.test[" + socket + "]");
  }
}
