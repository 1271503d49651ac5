package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.differential.Postfix312;
import org.postern.policy.ScriptedPolicyServer;

/**
 * Postern and the Postfix 3.12 reference peer ask one recording policy server about the same SMTP
 * dialogue (RCPT, DATA and END-OF-MESSAGE restrictions): the requests carry the same attributes in
 * the same order with the same values, but for what differs by nature (ports, server address,
 * {@code instance}, {@code mail_version}, queue ids). Then both answer the same actions from the
 * server with the same replies, a restriction class among them.
 */
class PolicyDifferentialIT {
  private static final String CLIENT = "127.0.88.30";
  private static final String POSTERN = "127.0.88.31";
  private static final String POSTFIX = "127.0.88.32";
  private static final String POLICY = "127.0.88.33";
  private static final Set<String> NATURE =
      Set.of("client_port", "server_address", "server_port", "instance", "mail_version", "queue_id");

  @TempDir Path tmp;

  @Test
  void requests_sameAttributesInTheSameOrder() throws Exception {
    int policyPort = PosternInstance.freePort();
    String restrictions = mainCf("inet:" + POLICY + ":" + policyPort);
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")
            .listen(new InetSocketAddress(POLICY, policyPort))) {
      List<Map<String, String>> postfix;
      try (Postfix312 p = postfix312(restrictions)) {
        dialogue(POSTFIX, 2525);
        postfix = attributes(server);
      }
      int before = server.requests().size();
      try (PosternInstance p = postern(restrictions)) {
        dialogue(POSTERN, p.smtpPort());
      }
      List<Map<String, String>> postern =
          attributes(server).subList(before, server.requests().size());
      assertThat(postern).hasSameSizeAs(postfix).hasSize(3);
      for (int i = 0; i < postfix.size(); i++) {
        assertThat(postern.get(i).keySet()).as("attribute names of request " + i)
            .containsExactlyElementsOf(postfix.get(i).keySet());
        assertThat(comparable(postern.get(i))).as("request " + i).isEqualTo(comparable(postfix.get(i)));
      }
      // One instance for the message, in every request of it.
      assertThat(postern).extracting(a -> a.get("instance")).containsOnly(postern.get(0).get("instance"));
      assertThat(postern.get(2).get("queue_id")).isNotEmpty();
    }
  }

  @Test
  void actions_sameRepliesFromBoth() throws Exception {
    int policyPort = PosternInstance.freePort();
    List<String> actions = List.of("DEFER_IF_PERMIT Service temporarily unavailable",
        "REJECT", "550 5.7.23 SPF says no", "defer_if_reject 4.2.0 later", "DUNNO", "OK", "DEFER",
        "reject_unauth_destination", "no_such_restriction", "strict", "PREPEND X-Policy: seen",
        "hold", "WARN look here");
    int[] next = {0};
    try (ScriptedPolicyServer server = new ScriptedPolicyServer(
            a -> "action=" + actions.get(next[0]++ % actions.size()) + "\n\n")
            .listen(new InetSocketAddress(POLICY, policyPort))) {
      String restrictions = "smtpd_recipient_restrictions = check_policy_service inet:" + POLICY + ":"
          + policyPort + "\nmydestination = example.com\nlocal_recipient_maps =\nmynetworks = 127.0.0.1/32\n"
          + "smtpd_restriction_classes = strict\nstrict = reject_non_fqdn_sender, reject\n";
      List<String> postfix;
      try (Postfix312 p = postfix312(restrictions)) {
        postfix = rcpts(POSTFIX, 2525, actions.size());
      }
      next[0] = 0;
      List<String> postern;
      try (PosternInstance p = postern(restrictions)) {
        postern = rcpts(POSTERN, p.smtpPort(), actions.size());
      }
      assertThat(postfix).contains(
          "450 4.7.1 <u0@example.com>: Recipient address rejected: Service temporarily unavailable",
          "550 5.7.23 <u2@example.com>: Recipient address rejected: SPF says no",
          "451 4.3.5 Server configuration error",
          "554 5.7.1 <u9@example.com>: Recipient address rejected: Access denied");
      assertThat(postern).isEqualTo(postfix);
    }
  }

  private static String mainCf(String service) {
    return String.join("\n",
        "myhostname = mx.example.com",
        "mydestination = example.com",
        "local_recipient_maps =",
        "mynetworks = 127.0.0.1/32",
        "smtpd_recipient_restrictions = check_policy_service { " + service + ", policy_context=ctx }",
        "smtpd_data_restrictions = check_policy_service " + service,
        "smtpd_end_of_data_restrictions = check_policy_service " + service,
        "");
  }

  /** The reference peer; the temporary directory must let Postfix's daemons through. */
  private Postfix312 postfix312(String mainCf) throws Exception {
    java.nio.file.Files.setPosixFilePermissions(
        tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    return Postfix312.start(tmp.resolve("postfix"), mainCf.lines().toList(),
        List.of(POSTFIX + ":2525 inet n - n - - smtpd"));
  }

  private PosternInstance postern(String mainCf) throws Exception {
    PosternInstance p = PosternInstance.createReceiveOnly(tmp.resolve("postern"), mainCf);
    Path master = p.config().resolve("master.cf");
    java.nio.file.Files.writeString(master, java.nio.file.Files.readString(master)
        .replace("127.0.0.1:" + p.smtpPort() + " ", POSTERN + ":" + p.smtpPort() + " "));
    p.start();
    boolean greets = Commands.await(Duration.ofSeconds(60), () -> {
      try (SmtpClient c = SmtpClient.connectFrom(null, InetAddress.getByName(POSTERN), p.smtpPort())) {
        return c.greeting().startsWith("220");
      } catch (IOException e) {
        return false;
      }
    });
    assertThat(greets).as("Postern smtpd; log:\n" + p.maillogText()).isTrue();
    return p;
  }

  /** EHLO, MAIL with SIZE=, one RCPT, a message; waits for each reply. */
  private static void dialogue(String server, int port) throws Exception {
    try (SmtpClient c = connect(server, port)) {
      c.command("EHLO client.example");
      assertThat(c.command("MAIL FROM:<a@sender.example> SIZE=100").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<u@example.com>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      assertThat(c.command("Subject: x\r\n\r\nx\r\n.").code()).isEqualTo(250);
      c.command("QUIT");
    }
  }

  /** One RCPT per action, each reply text; RSET between them. */
  private static List<String> rcpts(String server, int port, int count) throws Exception {
    List<String> replies = new ArrayList<>();
    try (SmtpClient c = connect(server, port)) {
      c.command("EHLO client.example");
      for (int i = 0; i < count; i++) {
        c.command("MAIL FROM:<a@sender.example>");
        replies.add(c.command("RCPT TO:<u" + i + "@example.com>").toString());
        c.command("RSET");
      }
      c.command("QUIT");
    }
    return replies;
  }

  /** Waits until smtpd greets; Postfix's master may still be starting its listener. */
  private static SmtpClient connect(String server, int port) throws Exception {
    IOException last = null;
    for (int i = 0; i < 100; i++) {
      try {
        SmtpClient c = SmtpClient.connectFrom(CLIENT, InetAddress.getByName(server), port);
        if (c.greeting().startsWith("220")) {
          return c;
        }
        c.close();
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no greeting from " + server + ":" + port, last);
  }

  private static List<Map<String, String>> attributes(ScriptedPolicyServer server) {
    return server.requests().stream().map(ScriptedPolicyServer.Request::attributes).toList();
  }

  private static Map<String, String> comparable(Map<String, String> attributes) {
    Map<String, String> m = new LinkedHashMap<>(attributes);
    NATURE.forEach(m::remove);
    return m;
  }
}
