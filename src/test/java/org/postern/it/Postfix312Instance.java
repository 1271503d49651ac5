package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;

/**
 * A running instance of the Postfix 3.12 reference peer ({@link Postfix312}), set up as
 * /work/shared/PEERS.md describes: its own configuration directory, queue, data directory and
 * maillog under {@code root}, every directory parameter pointing into the install root, and the
 * smtp listener of the peer's master.cf moved to {@code address:port}. {@code mainCf} lines are
 * appended to main.cf.
 */
final class Postfix312Instance implements AutoCloseable {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private final Path config;
  private final Path maillog;

  private Postfix312Instance(Path config, Path maillog) {
    this.config = config;
    this.maillog = maillog;
  }

  /** Creates and starts the instance; {@code tempRoot} directories become traversable. */
  static Postfix312Instance start(Path tempRoot, Path root, String address, int port, String mainCf)
      throws IOException, InterruptedException {
    Path peer = Postfix312.root();
    Path config = Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("spool"));
    Path data = Files.createDirectories(root.resolve("data"));
    for (Path d = root; d != null && d.startsWith(tempRoot); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
    }
    UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(data, users.lookupPrincipalByName("postfix"));
    Path maillog = root.resolve("maillog");
    Files.writeString(config.resolve("main.cf"), String.join("\n",
        "compatibility_level = 3.11",
        "queue_directory = " + root.resolve("spool"),
        "data_directory = " + data,
        "command_directory = " + peer.resolve("usr/sbin"),
        "daemon_directory = " + peer.resolve("usr/libexec/postfix"),
        "meta_directory = " + peer.resolve("etc/postfix"),
        "shlib_directory = no",
        "sendmail_path = " + peer.resolve("usr/sbin/sendmail"),
        "mail_owner = postfix",
        "setgid_group = postdrop",
        "maillog_file = " + maillog,
        "maillog_file_prefixes = " + root,
        "inet_protocols = ipv4",
        "alias_maps =",
        "alias_database =",
        mainCf));
    String master = Files.readString(peer.resolve("etc/postfix/master.cf"))
        .replaceFirst("(?m)^smtp +inet .*$", address + ":" + port + " inet n - n - - smtpd");
    Files.writeString(config.resolve("master.cf"), master);
    Postfix312Instance p = new Postfix312Instance(config, maillog);
    p.postfix("post-install", "create-missing");
    p.postfix("start");
    return p;
  }

  String maillogText() throws IOException {
    return Files.isRegularFile(maillog) ? Files.readString(maillog) : "";
  }

  private void postfix(String... args) throws IOException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>(
        List.of(Postfix312.program("postfix").toString(), "-c", config.toString()));
    argv.addAll(List.of(args));
    PosternInstance.Result r = Commands.run(argv, null, LIMIT);
    assertThat(r.status()).as("postfix " + String.join(" ", args) + ": " + r.err() + r.out()).isZero();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    postfix("stop");
  }
}
