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
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Debian's Postfix as the receiving MTA: a throw-away instance with its own configuration
 * directory, queue and log, smtpd listeners on loopback ports (each with its own STARTTLS
 * setting) and the virtual(8) agent storing every message for its domains in one Maildir owned
 * by {@code nobody}. What arrived is read from that Maildir and from Postfix's maillog.
 */
final class PostfixServer {
  private final Path root;
  private final Path config;

  private PostfixServer(Path root) {
    this.root = root;
    this.config = root.resolve("etc");
  }

  /**
   * Starts Postfix under {@code root} (inside {@code tempRoot}, whose directories become
   * traversable for Postfix's unprivileged daemons) with {@code myhostname}, accepting mail for
   * {@code domains}; {@code listeners} maps each loopback port to its STARTTLS offer (true:
   * {@code smtpd_tls_security_level = may} with {@code certAndKey}).
   */
  static PostfixServer start(
      Path tempRoot, Path root, String myhostname, List<String> domains, List<Path> certAndKey,
      Map<Integer, Boolean> listeners)
      throws IOException, InterruptedException {
    return start(tempRoot, root, myhostname, domains, certAndKey, "127.0.0.1", listeners);
  }

  /** {@link #start} with the listeners on {@code address} (a 127.0.0.0/8 address) instead. */
  static PostfixServer start(
      Path tempRoot, Path root, String myhostname, List<String> domains, List<Path> certAndKey,
      String address, Map<Integer, Boolean> listeners)
      throws IOException, InterruptedException {
    return start(
        tempRoot, root, myhostname, domains, certAndKey, address, listeners, List.of(), List.of());
  }

  /**
   * {@link #start} on {@code address} with {@code mainCf} lines after the instance's own (a later
   * line wins in Postfix's main.cf), e.g. to make it a SASL-authenticating relay host, and {@code
   * masterCf} lines after its listeners (entries of their own: master(8) opens their sockets
   * with the listeners', before those greet).
   */
  static PostfixServer start(
      Path tempRoot, Path root, String myhostname, List<String> domains, List<Path> certAndKey,
      String address, Map<Integer, Boolean> listeners, List<String> mainCf, List<String> masterCf)
      throws IOException, InterruptedException {
    PostfixServer p = new PostfixServer(root);
    Files.createDirectories(p.config);
    Files.createDirectories(root.resolve("spool"));
    Path data = Files.createDirectories(root.resolve("data"));
    Path mail = Files.createDirectories(root.resolve("vmail"));
    for (Path d = root; d != null && d.startsWith(tempRoot); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
    }
    UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(data, users.lookupPrincipalByName("postfix"));
    Files.setOwner(mail, users.lookupPrincipalByName("nobody"));
    for (Path key : certAndKey) {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
      for (Path d = key.getParent(); d != null && d.startsWith(tempRoot); d = d.getParent()) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
      }
    }
    Files.writeString(
        p.config.resolve("main.cf"),
        String.join(
            "\n",
            "compatibility_level = 3.6",
            "queue_directory = " + root.resolve("spool"),
            "data_directory = " + data,
            "maillog_file = " + p.maillog(),
            "maillog_file_prefixes = " + root,
            "inet_interfaces = loopback-only",
            "inet_protocols = ipv4",
            "myhostname = " + myhostname,
            "mydestination =",
            "mynetworks = 127.0.0.0/8",
            "alias_maps =",
            "alias_database =",
            "virtual_mailbox_domains = " + String.join(" ", domains),
            "virtual_mailbox_base = " + mail,
            "virtual_mailbox_maps = static:box/",
            "virtual_uid_maps = static:65534",
            "virtual_gid_maps = static:65534",
            "smtpd_tls_cert_file = " + certAndKey.get(0),
            "smtpd_tls_key_file = " + certAndKey.get(1),
            "smtpd_tls_security_level = may",
            "smtpd_tls_loglevel = 1",
            "smtpd_tls_received_header = yes",
            "smtputf8_enable = yes",
            String.join("\n", mainCf),
            ""));
    StringBuilder master =
        new StringBuilder(
            Files.readAllLines(Path.of("/etc/postfix/master.cf")).stream()
                .filter(line -> !line.matches("^smtp\\s+inet\\s.*"))
                .collect(Collectors.joining("\n", "", "\n")));
    listeners.forEach(
        (port, tls) -> {
          master.append(address).append(':').append(port).append(" inet n - n - - smtpd\n");
          if (!tls) {
            master.append("  -o smtpd_tls_security_level=none\n");
          }
        });
    masterCf.forEach(line -> master.append(line).append('\n'));
    Files.writeString(p.config.resolve("master.cf"), master.toString());
    PosternInstance.Result r = p.postfix("start");
    assertThat(r.status()).as("postfix start: " + r.out() + r.err() + "\n" + p.log()).isZero();
    for (int port : listeners.keySet()) {
      assertThat(Commands.await(Duration.ofSeconds(20), () -> greets(address, port)))
          .as("Postfix smtpd on port " + port + "; log:\n" + p.log())
          .isTrue();
    }
    return p;
  }

  private static boolean greets(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 5_000);
      s.setSoTimeout(10_000);
      byte[] greeting = s.getInputStream().readNBytes(4);
      return new String(greeting, StandardCharsets.US_ASCII).startsWith("220");
    } catch (IOException e) {
      return false;
    }
  }

  Path maillog() {
    return root.resolve("maillog");
  }

  private Path pidFile() {
    return root.resolve("spool/pid/master.pid");
  }

  private PosternInstance.Result postfix(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("/usr/sbin/postfix", "-c", config.toString()));
    argv.addAll(List.of(args));
    return Commands.run(argv, null, Duration.ofSeconds(60));
  }

  String log() {
    try {
      return Files.isRegularFile(maillog()) ? Files.readString(maillog(), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(" + maillog() + " unreadable: " + e + ")";
    }
  }

  /** Waits for a Postfix log line matching {@code pattern}; its first group, or the match. */
  String awaitLog(Pattern pattern, Duration limit) throws InterruptedException {
    String[] found = new String[1];
    boolean matched =
        Commands.await(
            limit,
            () -> {
              Matcher m = pattern.matcher(log());
              if (m.find()) {
                found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
                return true;
              }
              return false;
            });
    assertThat(matched).as("Postfix log line matching " + pattern + " in:\n" + log()).isTrue();
    return found[0];
  }

  /** The text of every message in the Maildir so far. */
  List<String> messages() throws IOException {
    List<String> found = new ArrayList<>();
    for (String sub : List.of("new", "cur")) {
      Path d = root.resolve("vmail/box").resolve(sub);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        for (Path f : files.sorted().toList()) {
          found.add(Files.readString(f, StandardCharsets.UTF_8));
        }
      }
    }
    return found;
  }

  /** The one stored message containing {@code marker}; fails unless exactly one does. */
  String message(String marker) throws IOException {
    List<String> with = messages().stream().filter(m -> m.contains(marker)).toList();
    assertThat(with).as("messages in Postfix's Maildir containing " + marker).hasSize(1);
    return with.get(0);
  }

  /** {@code postfix stop}, then SIGKILL for whatever of this instance outlived it. */
  void stop() throws IOException, InterruptedException {
    List<ProcessHandle> processes = new ArrayList<>();
    PidFiles.owner(pidFile())
        .ifPresent(
            master -> {
              processes.add(master);
              master.descendants().forEach(processes::add);
            });
    postfix("stop");
    Commands.await(Duration.ofSeconds(10), () -> processes.stream().noneMatch(ProcessHandle::isAlive));
    processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
