package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Postfix 3.7 as the sending MTA: a second Postfix instance with its own configuration
 * and queue relays into Postern over STARTTLS and verifies Postern's certificate against the test
 * CA (policy {@code secure match=mx.test}). A transport whose policy demands another name must
 * defer instead, which shows the verification is real.
 */
class PostfixRelayIT {
  private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static PosternInstance postern;
  private static PostfixInstance postfix;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.test");
    postern =
        PosternInstance.createReceiveOnly(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = mx.test",
                "mydestination = $myhostname",
                "mynetworks = 127.0.0.1/32",
                "local_recipient_maps =",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + mx.get(0),
                "smtpd_tls_key_file = " + mx.get(1),
                ""));
    postern.startAndAwaitSmtp();
    postfix = PostfixInstance.start(dir.resolve("postfix"), postern.smtpPort(), pki.caCert());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postfix != null) {
        postfix.stop();
      }
    } finally {
      if (postern != null) {
        postern.close();
      }
    }
  }

  @Test
  void postfixRelay_verifiedStarttls_arrivesWithEsmtps() throws Exception {
    postfix.sendmail("a@client.test", "root@mx.test", "Subject: relayed by Postfix\n\nfrom Debian's Postfix\n");

    Pattern sent =
        Pattern.compile("to=<root@mx\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + postern.smtpPort()
            + ".*status=sent \\(250 2\\.0\\.0 Ok: queued as ([0-9A-Za-z]+)\\)");
    String id = postfix.awaitLog(sent, DELIVERY_LIMIT);

    assertThat(postfix.log()).contains("Verified TLS connection established to 127.0.0.1[127.0.0.1]:" + postern.smtpPort());
    assertThat(postern.queueDirectory().resolve("incoming").resolve(id)).isRegularFile();
    String cat = postern.postcat(id);
    assertThat(cat)
        .contains("sender: a@client.test\n")
        .contains("recipient: root@mx.test\n")
        .contains("named_attribute: helo_name=client.test")
        .containsPattern("named_attribute: tls_protocol=TLSv1\\.[23]")
        .containsPattern("Received: from client\\.test \\(localhost \\[127\\.0\\.0\\.1\\]\\)\n\tby mx\\.test \\(Postern\\) with ESMTPS id " + id)
        .contains("Subject: relayed by Postfix\n")
        .contains("from Debian's Postfix\n");
  }

  @Test
  void postfixRelay_certificateNameMismatch_deferredNothingArrives() throws Exception {
    Set<String> before = postern.queueIds("incoming");

    postfix.sendmail("a@client.test", "root@wrong.test", "Subject: must not arrive\n\nbody\n");

    postfix.awaitLog(Pattern.compile("to=<root@wrong\\.test>, relay=.*status=(deferred)"), DELIVERY_LIMIT);
    assertThat(postfix.log()).containsPattern("(?i)certificate verification failed|not verified|hostname verification failed");
    assertThat(postern.queueIds("incoming")).isEqualTo(before);
  }

  /** A throw-away Postfix: its own config directory, queue and log; no SMTP listener. */
  private static final class PostfixInstance {
    private final Path root;
    private final Path config;

    private PostfixInstance(Path root) {
      this.root = root;
      this.config = root.resolve("etc");
    }

    static PostfixInstance start(Path root, int posternPort, Path caFile) throws Exception {
      PostfixInstance p = new PostfixInstance(root);
      Files.createDirectories(p.config);
      Files.createDirectories(root.resolve("spool"));
      Path data = Files.createDirectories(root.resolve("data"));
      // Postfix's daemons reach data_directory as user postfix, through the 0700 test directory.
      for (Path d = root; d != null && d.startsWith(dir); d = d.getParent()) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
      }
      Files.setOwner(data, data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix"));
      String nexthop = "[127.0.0.1]:" + posternPort;
      Files.writeString(root.resolve("wrong-policy"), nexthop + " secure match=wrong.test\n");
      Files.writeString(root.resolve("transport"), "wrong.test smtpwrong:" + nexthop + "\n");
      Files.writeString(
          p.config.resolve("main.cf"),
          String.join(
              "\n",
              "compatibility_level = 3.6",
              "queue_directory = " + root.resolve("spool"),
              "data_directory = " + root.resolve("data"),
              "maillog_file = " + p.maillog(),
              "maillog_file_prefixes = " + root,
              "inet_interfaces = loopback-only",
              "inet_protocols = ipv4",
              "myhostname = client.test",
              "mydestination =",
              "mynetworks = 127.0.0.0/8",
              "alias_maps =",
              "alias_database =",
              "relayhost = " + nexthop,
              "transport_maps = texthash:" + root.resolve("transport"),
              "smtp_tls_security_level = secure",
              "smtp_tls_CAfile = " + caFile,
              "smtp_tls_policy_maps = inline:{ {" + nexthop + " = secure match=mx.test} }",
              "smtp_tls_loglevel = 1",
              "delay_warning_time = 0",
              ""));
      // Debian's master.cf without the port 25 listener, plus a client that expects another name.
      String master =
          Files.readAllLines(Path.of("/etc/postfix/master.cf")).stream()
              .filter(line -> !line.matches("^smtp\\s+inet\\s.*"))
              .collect(Collectors.joining("\n", "", "\n"))
              + "smtpwrong unix - - n - - smtp\n"
              + "  -o smtp_tls_policy_maps=texthash:" + root.resolve("wrong-policy") + "\n";
      Files.writeString(p.config.resolve("master.cf"), master);
      PosternInstance.Result r = p.postfix("start");
      assertThat(r.status()).as("postfix start: " + r.out() + r.err() + "\n" + p.log()).isZero();
      assertThat(Commands.await(Duration.ofSeconds(20), () -> Files.isRegularFile(p.pidFile())))
          .as("Postfix master.pid; log:\n" + p.log())
          .isTrue();
      return p;
    }

    Path maillog() {
      return root.resolve("maillog");
    }

    private Path pidFile() {
      return root.resolve("spool/pid/master.pid");
    }

    PosternInstance.Result postfix(String... args) throws IOException, InterruptedException {
      List<String> argv = new java.util.ArrayList<>(List.of("/usr/sbin/postfix", "-c", config.toString()));
      argv.addAll(List.of(args));
      return Commands.run(argv, null, Duration.ofSeconds(60));
    }

    void sendmail(String sender, String recipient, String message) throws Exception {
      Commands.ok(
          List.of("/usr/sbin/sendmail", "-C", config.toString(), "-f", sender, recipient),
          message,
          Duration.ofSeconds(30));
    }

    String log() {
      try {
        return Files.isRegularFile(maillog()) ? Files.readString(maillog(), StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(" + maillog() + " unreadable: " + e + ")";
      }
    }

    /** Polls the log until {@code pattern} matches; returns its first group. */
    String awaitLog(Pattern pattern, Duration limit) throws InterruptedException {
      String[] found = new String[1];
      boolean matched =
          Commands.await(
              limit,
              () -> {
                Matcher m = pattern.matcher(log());
                if (m.find()) {
                  found[0] = m.group(1);
                  return true;
                }
                return false;
              });
      assertThat(matched).as("Postfix log line matching " + pattern + " in:\n" + log()).isTrue();
      return found[0];
    }

    /** {@code postfix stop}, then SIGKILL for whatever of this instance outlived it. */
    void stop() throws Exception {
      List<ProcessHandle> processes = new java.util.ArrayList<>();
      PidFiles.owner(pidFile()).ifPresent(master -> {
        processes.add(master);
        master.descendants().forEach(processes::add);
      });
      postfix("stop");
      Commands.await(Duration.ofSeconds(10), () -> processes.stream().noneMatch(ProcessHandle::isAlive));
      processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
  }
}
