package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A receive-only Postfix 3.12 (the reference peer, see {@link Postfix312}) for differential
 * tests: its own configuration, queue and maillog under {@code root}, one smtpd listener, no
 * qmgr, so what smtpd and cleanup queued stays in incoming/ or hold/ for postcat.
 */
final class Postfix312Instance implements AutoCloseable {
  private final Path root;
  private final Path config;

  private Postfix312Instance(Path root) {
    this.root = root;
    this.config = root.resolve("etc");
  }

  /** Starts it with smtpd on {@code address:port} and {@code mainCf} lines appended. */
  static Postfix312Instance start(Path tempRoot, Path root, String address, int port,
      String mainCf) throws IOException, InterruptedException {
    return start(tempRoot, root, address, port, mainCf, false);
  }

  /**
   * As {@link #start(Path, Path, String, int, String)}, but with qmgr, so that mail (and
   * address verification probes) is delivered.
   */
  static Postfix312Instance startDelivering(Path tempRoot, Path root, String address, int port,
      String mainCf) throws IOException, InterruptedException {
    return start(tempRoot, root, address, port, mainCf, true);
  }

  private static Postfix312Instance start(Path tempRoot, Path root, String address, int port,
      String mainCf, boolean qmgr) throws IOException, InterruptedException {
    Path peer = Postfix312.root();
    Postfix312Instance p = new Postfix312Instance(root);
    Files.createDirectories(p.config);
    Files.createDirectories(root.resolve("spool"));
    Path data = Files.createDirectories(root.resolve("data"));
    for (Path d = root; d != null && d.startsWith(tempRoot); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
    }
    Files.setOwner(data, root.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("postfix"));
    Files.writeString(p.config.resolve("main.cf"), String.join("\n",
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
        "maillog_file = " + p.maillog(),
        "maillog_file_prefixes = " + root,
        "inet_interfaces = all",
        "inet_protocols = ipv4",
        "alias_maps =",
        "alias_database =",
        mainCf,
        ""));
    String master = Files.readString(peer.resolve("etc/postfix/master.cf"))
        .replaceFirst("(?m)^smtp +inet .*$", address + ":" + port + " inet n - n - - smtpd")
        .replaceFirst("(?m)^qmgr .*$", qmgr ? "$0" : "")
        .replaceFirst("(?m)^#postlog", "postlog");
    Files.writeString(p.config.resolve("master.cf"), master);
    p.postfix("post-install", "create-missing");
    PosternInstance.Result r = p.postfix("start");
    assertThat(r.status()).as("postfix start: " + r.out() + r.err() + "\n" + p.log()).isZero();
    assertThat(Commands.await(Duration.ofSeconds(20), () -> greets(address, port)))
        .as("Postfix 3.12 smtpd on " + address + ":" + port + "; log:\n" + p.log()).isTrue();
    return p;
  }

  private static boolean greets(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 5_000);
      s.setSoTimeout(10_000);
      String reply = new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII);
      // 421: smtpd is up, under smtpd_upstream_proxy_protocol, refusing a client without a header.
      return reply.startsWith("220") || reply.startsWith("421");
    } catch (IOException e) {
      return false;
    }
  }

  Path maillog() {
    return root.resolve("maillog");
  }

  String log() {
    try {
      return Files.isRegularFile(maillog()) ? Files.readString(maillog()) : "";
    } catch (IOException e) {
      return "(" + maillog() + " unreadable: " + e + ")";
    }
  }

  /** The queue ids now in {@code queue}. */
  Set<String> queueIds(String queue) throws IOException {
    Path dir = root.resolve("spool").resolve(queue);
    Set<String> ids = new TreeSet<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(Files::isRegularFile).forEach(f -> ids.add(f.getFileName().toString()));
      }
    }
    return ids;
  }

  String postcat(String queueId) throws IOException, InterruptedException {
    PosternInstance.Result r = Commands.run(List.of(Postfix312.program("postcat").toString(),
        "-c", config.toString(), "-q", queueId), null, Duration.ofSeconds(30));
    assertThat(r.status()).as("postcat -q " + queueId + ": " + r.err()).isZero();
    return r.out();
  }

  /** {@code postconf -e SETTING...} and {@code postfix reload}. */
  void reconfigure(String... settings) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(Postfix312.program("postconf").toString(), "-c",
        config.toString(), "-e"));
    argv.addAll(List.of(settings));
    assertThat(Commands.run(argv, null, Duration.ofSeconds(30)).status()).isZero();
    assertThat(postfix("reload").status()).isZero();
  }

  /** Appends {@code lines} to master.cf and {@code postfix reload}s. */
  void appendMasterCf(String lines) throws IOException, InterruptedException {
    Files.writeString(config.resolve("master.cf"), "\n" + lines + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(postfix("reload").status()).isZero();
  }

  private PosternInstance.Result postfix(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(Postfix312.program("postfix").toString(), "-c",
        config.toString()));
    argv.addAll(List.of(args));
    return Commands.run(argv, null, Duration.ofSeconds(60));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    postfix("stop");
  }
}
