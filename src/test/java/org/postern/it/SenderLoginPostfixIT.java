package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smtpd_sender_login_maps} with {@code reject_sender_login_mismatch} on Postfix 3.12 and on
 * Postern, both logging in through the same Dovecot auth service: the same dialogues (not logged
 * in, logged in as an owner, as a co-owner of a shared address, as a stranger, a local-part key
 * of a local domain) must get the same replies, and the reject log lines must read the same; a
 * message sent after AUTH with MAIL FROM's AUTH= must leave the same SASL attributes in the queue
 * file and the same {@code client=} log line.
 * Both listen on 127.0.95.x.
 */
class SenderLoginPostfixIT {
  private static final String POSTFIX_ADDRESS = "127.0.95.10";
  private static final String POSTERN_ADDRESS = "127.0.95.11";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static DovecotAuth dovecot;
  private static Postfix312Instance postfix;
  private static PosternInstance postern;
  private static int postfixPort;
  private static int posternPort;

  @BeforeAll
  static void start() throws Exception {
    dovecot = DovecotAuth.start(dir, List.of("alice:{PLAIN}a-secret", "bob:{PLAIN}b-secret",
        "admin:{PLAIN}c-secret"));
    Path logins = Files.createDirectories(dir.resolve("maps")).resolve("logins");
    Files.writeString(logins, String.join("\n",
        "alice@mx.test alice",
        "shared@mx.test alice, bob",
        "postmaster admin",
        "@team.test bob",
        ""), StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(logins, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(logins.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    String mainCf = String.join("\n",
        "myhostname = mx.test",
        "mydestination = mx.test",
        "local_recipient_maps =",
        "smtpd_sasl_auth_enable = yes",
        "smtpd_sasl_type = dovecot",
        "smtpd_sasl_path = " + dovecot.socket(),
        "smtpd_sender_login_maps = texthash:" + logins,
        "smtpd_sender_restrictions = reject_sender_login_mismatch");
    postfixPort = freePort(POSTFIX_ADDRESS);
    postfix = Postfix312Instance.start(dir, dir.resolve("postfix"), POSTFIX_ADDRESS, postfixPort, mainCf);
    posternPort = freePort(POSTERN_ADDRESS);
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), mainCf + "\n");
    postern.appendMasterCf(POSTERN_ADDRESS + ":" + posternPort + " inet n - n - - smtpd");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (postfix != null) {
      postfix.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  /** Every reply of one session that logs in as {@code user} (null: no AUTH) and tries senders. */
  private static List<String> session(String address, int port, String user, String password,
      List<String> senders) throws IOException {
    List<String> replies = new ArrayList<>();
    try (SmtpClient c = SmtpClient.connectFrom(null, InetAddress.getByName(address), port)) {
      c.command("EHLO client.test");
      if (user != null) {
        String token = Base64.getEncoder().encodeToString(
            ("\0" + user + "\0" + password).getBytes(StandardCharsets.US_ASCII));
        replies.add(c.command("AUTH PLAIN " + token).text());
      }
      for (String sender : senders) {
        replies.add(c.command("MAIL FROM:<" + sender + ">").text());
        replies.add(c.command("RCPT TO:<root@mx.test>").text());
        replies.add(c.command("RSET").text());
      }
      c.command("QUIT");
    }
    return replies;
  }

  private static List<String> dialogues(String address, int port) throws IOException {
    List<String> all = new ArrayList<>();
    all.addAll(session(address, port, null, null,
        List.of("alice@mx.test", "stranger@elsewhere.test", "")));
    all.addAll(session(address, port, "bob", "b-secret",
        List.of("alice@mx.test", "shared@mx.test", "SHARED@MX.TEST", "x@team.test",
            "stranger@elsewhere.test", "")));
    all.addAll(session(address, port, "admin", "c-secret",
        List.of("postmaster@mx.test", "alice@mx.test")));
    return all;
  }

  /** The reject lines' text after the client, without process and client names. */
  private static List<String> rejects(String log) {
    Matcher m = Pattern.compile("(?m)NOQUEUE: reject: RCPT from [^:]*: (.*)$").matcher(log);
    List<String> lines = new ArrayList<>();
    while (m.find()) {
      lines.add(m.group(1));
    }
    return lines;
  }

  /** Logs in as bob and sends one message with AUTH=; every reply. */
  private static List<String> submit(String address, int port) throws IOException {
    List<String> replies = new ArrayList<>();
    try (SmtpClient c = SmtpClient.connectFrom(null, InetAddress.getByName(address), port)) {
      c.command("EHLO client.test");
      String token = Base64.getEncoder().encodeToString(
          "\0bob\0b-secret".getBytes(StandardCharsets.US_ASCII));
      replies.add(c.command("AUTH PLAIN " + token).text());
      replies.add(c.command("MAIL FROM:<shared@mx.test> AUTH=bob+2Bx@mx.test").text());
      replies.add(c.command("RCPT TO:<root@mx.test>").text());
      replies.add(c.command("DATA").text());
      c.send("Subject: sasl attributes\r\n\r\nbody\r\n.\r\n");
      replies.add(c.reply().text().replaceFirst("queued as [0-9A-Za-z]+", "queued as ID"));
      c.command("QUIT");
    }
    return replies;
  }

  private static List<String> saslAttributes(String postcat) {
    return postcat.lines().filter(l -> l.startsWith("named_attribute: sasl_")).sorted().toList();
  }

  @Test
  void messageAfterAuth_sameSaslAttributesInQueueFileAndClientLine() throws Exception {
    List<String> expected = submit(POSTFIX_ADDRESS, postfixPort);
    assertThat(submit(POSTERN_ADDRESS, posternPort)).isEqualTo(expected);
    Pattern client = Pattern.compile("(?m)\\]: [0-9A-Za-z]+: client=[^,]*(, sasl_method=.*)$");
    assertThat(Commands.await(LIMIT, () -> client.matcher(postern.maillogText()).find()
        && client.matcher(postfix.log()).find())).isTrue();
    List<String> postfixLines = matches(client, postfix.log());
    assertThat(postfixLines).containsExactly(", sasl_method=PLAIN, sasl_username=bob, sasl_sender=bob+2Bx@mx.test");
    assertThat(matches(client, postern.maillogText())).isEqualTo(postfixLines);
    String postfixQueued = postfix.postcat(postfix.queueIds("incoming").iterator().next());
    assertThat(saslAttributes(postfixQueued)).hasSize(3);
    assertThat(saslAttributes(postern.postcat(postern.queueIds("incoming").iterator().next())))
        .isEqualTo(saslAttributes(postfixQueued));
  }

  private static List<String> matches(Pattern p, String log) {
    Matcher m = p.matcher(log);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void sameDialogues_sameRepliesAndRejectLines() throws Exception {
    List<String> expected = dialogues(POSTFIX_ADDRESS, postfixPort);
    assertThat(expected)
        .contains("553 5.7.1 <alice@mx.test>: Sender address rejected: not logged in")
        .contains("553 5.7.1 <alice@mx.test>: Sender address rejected: not owned by user bob")
        .contains("553 5.7.1 <stranger@elsewhere.test>: Sender address rejected: not owned by user bob");
    assertThat(dialogues(POSTERN_ADDRESS, posternPort)).isEqualTo(expected);
    assertThat(Commands.await(LIMIT, () -> rejects(postern.maillogText()).size() == 4
        && rejects(postfix.log()).size() == 4)).as(postern.maillogText() + postfix.log()).isTrue();
    assertThat(rejects(postern.maillogText())).isEqualTo(rejects(postfix.log()));
  }
}
