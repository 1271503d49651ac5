package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cleanup is a service of its own, as in Postfix: a message received on a master.cf entry with
 * {@code -o syslog_name=postern/submission} gets its cleanup lines tagged {@code
 * postern/cleanup[pid]}, while the settings that entry passes on to cleanup ({@code
 * receive_override_options}) still apply to that message.
 */
class CleanupSyslogNameIT {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static PosternInstance postern;
  private static int submissionPort;

  @BeforeAll
  static void start() throws Exception {
    Path checks = dir.resolve("header_checks");
    Files.writeString(checks, "/^Subject: forbidden/ REJECT no forbidden subjects\n");
    postern =
        PosternInstance.createReceiveOnly(
            dir.resolve("postern"),
            "myhostname = mx.test\nmydestination = mx.test\nmynetworks = 127.0.0.1/32\n"
                + "local_recipient_maps =\nheader_checks = regexp:" + checks + "\n");
    submissionPort = PosternInstance.freePort();
    postern.appendMasterCf(
        "127.0.0.1:" + submissionPort + " inet n - n - - smtpd\n"
            + "  -o syslog_name=postern/submission\n"
            + "  -o receive_override_options=no_header_body_checks");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  private static SmtpClient.Reply send(int port, String messageId, String subject) throws Exception {
    try (SmtpClient c = SmtpClient.connect(port)) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<a@client.test>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.send("Message-ID: <" + messageId + ">\r\nSubject: " + subject + "\r\n\r\nbody\r\n.\r\n");
      SmtpClient.Reply end = c.reply();
      c.command("QUIT");
      return end;
    }
  }

  @Test
  void receiveOnSubmission_cleanupLogsAsPosternCleanup() throws Exception {
    assertThat(send(submissionPort, "sub1@client.test", "hello").code()).isEqualTo(250);

    String line = postern.awaitLog(Pattern.compile("(?m)^.*message-id=<sub1@client\\.test>.*$"), LIMIT);
    assertThat(line).containsPattern(" postern/cleanup\\[\\d+\\]: [0-9A-Za-z]+: message-id=");
    assertThat(postern.maillogText())
        .containsPattern(" postern/submission/smtpd\\[\\d+\\]: connect from")
        .doesNotContain("postern/submission/cleanup");
  }

  @Test
  void receiveOnSubmission_receiveOverrideOptionsStillReachCleanup() throws Exception {
    assertThat(send(submissionPort, "sub2@client.test", "forbidden words").code()).isEqualTo(250);
    assertThat(send(postern.smtpPort(), "main2@client.test", "forbidden words").code()).isEqualTo(550);
    postern.awaitLog(Pattern.compile(" postern/cleanup\\[\\d+\\]: [0-9A-Za-z]+: reject: header Subject"), LIMIT);
  }
}
