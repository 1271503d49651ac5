package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smtpd_junk_command_limit} and {@code smtpd_starttls_timeout}, Postern's smtpd against
 * Postfix 3.12's in the same configuration: a client that sends only NOOP, RSET, VRFY, HELO and
 * EHLO gets the same replies from both, up to the same {@code 421 4.7.0 ... Error: too many
 * errors} (past the junk limit each such command counts as an error towards {@code
 * smtpd_hard_error_limit}); a message accepted in between forgives the count, in both; and a
 * client that sends STARTTLS and then nothing is dropped after {@code smtpd_starttls_timeout},
 * not after the far longer {@code smtpd_timeout}, by both.
 */
class JunkCommandDifferentialIT {
  private static final String POSTFIX = "127.0.108.1";
  private static final String POSTERN = "127.0.0.1";
  @TempDir static Path dir;
  private static Postfix312Instance postfix;
  private static PosternInstance postern;
  private static int postfixPort;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.junk.test");
    String common = String.join("\n",
        "myhostname = mx.junk.test",
        "mydestination = junk.test",
        "smtpd_junk_command_limit = 3",
        "smtpd_hard_error_limit = 4",
        "smtpd_soft_error_limit = 10",
        "smtpd_error_sleep_time = 0",
        "smtpd_timeout = 300s",
        "smtpd_starttls_timeout = 3s",
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + mx.get(0),
        "smtpd_tls_key_file = " + mx.get(1),
        "local_recipient_maps =",
        "");
    postfixPort = PosternInstance.freePort();
    postfix = Postfix312Instance.start(dir, dir.resolve("postfix"), POSTFIX, postfixPort, common);
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), common);
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** Each command's reply code and text, up to and including the server's hang-up. */
  private static List<String> dialogue(String server, int port, List<String> commands)
      throws IOException {
    List<String> replies = new ArrayList<>();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(server), port), 5_000);
      s.setSoTimeout(30_000);
      RawDialogue.reply(s.getInputStream());
      for (String c : commands) {
        String reply = RawDialogue.say(s, c);
        replies.add(c + " -> " + reply.strip().replace("mx.junk.test ", "")
            .replaceAll("queued as \\w+", "queued as ID"));
        if (reply.startsWith("421") || reply.contains("<EOF>")) {
          break;
        }
      }
    }
    return replies;
  }

  private static void sameDialogue(List<String> commands) throws IOException {
    List<String> expected = dialogue(POSTFIX, postfixPort, commands);
    List<String> actual = dialogue(POSTERN, postern.smtpPort(), commands);
    assertThat(expected.getLast()).as("the dialogue must reach Postfix's limit: " + expected)
        .contains("421 4.7.0").contains("Error: too many errors");
    assertThat(actual).as("Postern's replies; Postfix 3.12's were " + expected).isEqualTo(expected);
  }

  @Test
  void junkCommandsOnly_sameRepliesUpToTooManyErrors() throws IOException {
    List<String> commands = new ArrayList<>(List.of("EHLO client.test"));
    for (int i = 0; i < 6; i++) {
      commands.addAll(List.of("NOOP", "RSET", "VRFY postmaster"));
    }
    sameDialogue(commands);
  }

  @Test
  void acceptedMessage_forgivesJunkCommands_inBoth() throws IOException {
    List<String> commands = new ArrayList<>(List.of("HELO client.test", "NOOP", "NOOP", "NOOP",
        "NOOP", "MAIL FROM:<a@client.test>", "RCPT TO:<user@junk.test>", "DATA",
        "Subject: junk\r\n\r\nbody\r\n.", "NOOP", "NOOP", "NOOP", "NOOP", "NOOP"));
    for (int i = 0; i < 8; i++) {
      commands.add("NOOP");
    }
    sameDialogue(commands);
  }

  /** HELP, and XCLIENT/XFORWARD from a client not authorized for them. */
  @Test
  void otherCommands_sameRepliesAsPostfix() throws IOException {
    List<String> commands = List.of("EHLO client.test", "HELP", "HELP MAIL",
        "XCLIENT", "XCLIENT NAME=spoofed.test", "MAIL FROM:<a@client.test>",
        "XFORWARD NAME=spoofed.test", "QUIT");
    List<String> expected = dialogue(POSTFIX, postfixPort, commands);
    List<String> actual = dialogue(POSTERN, postern.smtpPort(), commands);
    assertThat(actual).as("Postern's replies; Postfix 3.12's were " + expected)
        .isEqualTo(expected);
  }

  @Test
  void silentAfterStarttls_droppedAfterStarttlsTimeout_notSmtpdTimeout() throws IOException {
    assertThat(silenceAfterStarttls(POSTFIX, postfixPort)).as("Postfix 3.12").isTrue();
    assertThat(silenceAfterStarttls(POSTERN, postern.smtpPort())).as("Postern").isTrue();
  }

  /**
   * True when the server closes a connection that said STARTTLS and then nothing within 30 s
   * (smtpd_timeout is 300 s); what it wrote before closing (an alert) does not matter.
   */
  private static boolean silenceAfterStarttls(String server, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(server), port), 5_000);
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      RawDialogue.reply(in);
      RawDialogue.say(s, "EHLO client.test");
      String go = RawDialogue.say(s, "STARTTLS");
      assertThat(go).startsWith("220 ");
      try {
        in.readAllBytes();
        return true;
      } catch (SocketTimeoutException stillOpen) {
        return false;
      }
    }
  }
}
