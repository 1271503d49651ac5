package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smtpd_milters and non_smtpd_milters against a real libmilter milter (Debian python3-milter,
 * src/test/resources/org/postern/it/pymilter_actions.py) on 127.0.87.1: every modification
 * action, the decisions at each stage, Postfix's log lines, and the REQUIRETLS guarantees.
 */
class MilterIT {
  private static final String MILTER_ADDRESS = "127.0.87.1";
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private PyMilter milter;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (milter != null) {
      milter.close();
    }
  }

  /** The milter on a free port of 127.0.87.1, and a receive-only Postern that uses it. */
  private void start(String mainCf) throws Exception {
    milter = PyMilter.start(dir, MILTER_ADDRESS);
    postern = PosternInstance.createReceiveOnly(dir, "myhostname = mx.test\nmydestination = mx.test\n"
        + "local_recipient_maps =\n" + mainCf.replace("MILTER", milter.spec()));
    postern.startAndAwaitSmtp();
  }

  /** One message; the reply to its end of data, or the first refusal before it. */
  private String send(SmtpClient c, String sender, List<String> recipients, String content)
      throws IOException {
    SmtpClient.Reply mail = c.command("MAIL FROM:<" + sender + ">");
    if (!mail.positive()) {
      return mail.text();
    }
    for (String r : recipients) {
      SmtpClient.Reply rcpt = c.command("RCPT TO:<" + r + ">");
      if (!rcpt.positive()) {
        c.command("RSET");
        return rcpt.text();
      }
    }
    assertThat(c.command("DATA").code()).isEqualTo(354);
    c.send(content.replace("\n", "\r\n") + ".\r\n");
    return c.reply().text();
  }

  private SmtpClient client() throws IOException {
    SmtpClient c = SmtpClient.connect(postern.smtpPort());
    assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
    return c;
  }

  private String only(String queue) throws Exception {
    Set<String> ids = postern.queueIds(queue);
    assertThat(ids).as(queue).hasSize(1);
    return postern.postcat(ids.iterator().next());
  }

  private String events() throws IOException {
    return milter.events();
  }

  @Test
  void smtpdMilters_everyEditAction_isQueued() throws Exception {
    start("smtpd_milters = MILTER\n");
    String reply;
    try (SmtpClient c = client()) {
      reply = send(c, "a@example.com", List.of("root@mx.test", "removed@mx.test"),
          "Subject: tag\nX-Change: old\nX-Remove: yes\nFrom: a@example.com\n\nbody\n");
    }
    assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
    String cat = only("incoming");
    assertThat(cat)
        .contains("sender: new-sender@example.com\n")
        .contains("recipient: root@mx.test\n")
        .contains("recipient: added@mx.test\n")
        .doesNotContain("recipient: removed@mx.test")
        .contains("X-Milter: tagged\n")
        .contains("X-Change: changed\n")
        .doesNotContain("X-Remove")
        .contains("body\n");
    assertThat(cat.substring(cat.indexOf("*** MESSAGE CONTENTS"))).as("inserted at the top")
        .matches("(?s)\\*\\*\\* MESSAGE CONTENTS [^\\n]*\\nX-Top: inserted\\nReceived: .*");
    String queueId = reply.substring("250 2.0.0 Ok: queued as ".length());
    assertThat(events())
        .contains("connect localhost 127.0.0.1 j=mx.test {daemon_name}=mx.test v=Postern ")
        .contains("helo client.test")
        .contains("mail <a@example.com>  {mail_addr}=a@example.com")
        .contains("eom tag i=" + queueId)
        .doesNotContain("header Received:");
  }

  @Test
  void smtpdMilters_envelopeRefusals_replyAndLogAsPostfix() throws Exception {
    start("smtpd_milters = MILTER\n");
    try (SmtpClient c = client()) {
      assertThat(send(c, "a@example.com", List.of("blocked@mx.test"), "Subject: x\n\nx\n"))
          .isEqualTo("550-5.7.1 blocked by pymilter\n550 5.7.1 second line");
      assertThat(send(c, "tempfail@example.com", List.of("root@mx.test"), "Subject: x\n\nx\n"))
          .isEqualTo("451 4.7.1 Service unavailable - try again later");
    }
    postern.awaitLog(Pattern.compile("milter-reject: MAIL"), LIMIT);
    assertThat(postern.maillogText())
        .contains("NOQUEUE: milter-reject: RCPT from localhost[127.0.0.1]: 550-5.7.1 blocked by"
            + " pymilter??550 5.7.1 second line; from=<a@example.com> to=<blocked@mx.test>"
            + " proto=ESMTP helo=<client.test>")
        .contains("NOQUEUE: milter-reject: MAIL from localhost[127.0.0.1]: 451 4.7.1 Service"
            + " unavailable - try again later; from=<tempfail@example.com> proto=ESMTP"
            + " helo=<client.test>");
    assertThat(postern.queueIds("incoming")).isEmpty();
  }

  @Test
  void smtpdMilters_endOfMessageDecisions() throws Exception {
    start("smtpd_milters = MILTER\n");
    try (SmtpClient c = client()) {
      assertThat(send(c, "a@example.com", List.of("root@mx.test"), "Subject: reject\n\nx\n"))
          .isEqualTo("554 5.7.1 content rejected by pymilter");
      assertThat(send(c, "a@example.com", List.of("root@mx.test"), "Subject: discard\n\nx\n"))
          .startsWith("250 2.0.0 Ok: queued as ");
      assertThat(send(c, "a@example.com", List.of("root@mx.test"), "Subject: quarantine\n\nx\n"))
          .startsWith("250 2.0.0 Ok: queued as ");
    }
    assertThat(postern.queueIds("incoming")).isEmpty();
    assertThat(only("hold")).contains("Subject: quarantine\n");
    postern.awaitLog(Pattern.compile("milter-hold"), LIMIT);
    assertThat(postern.maillogText())
        .containsPattern(": milter-reject: END-OF-MESSAGE from localhost\\[127.0.0.1\\]: 5.7.1"
            + " content rejected by pymilter; from=<a@example.com> to=<root@mx.test> proto=ESMTP"
            + " helo=<client.test>")
        .containsPattern(": milter-discard: END-OF-MESSAGE from localhost\\[127.0.0.1\\]: milter"
            + " triggers DISCARD action; from=<a@example.com>")
        .containsPattern(": milter-hold: END-OF-MESSAGE from localhost\\[127.0.0.1\\]: held by"
            + " pymilter; from=<a@example.com>");
  }

  @Test
  void nonSmtpdMilters_replaceBodyAndDeleteRequireTlsHeader_keepRequireTls() throws Exception {
    start("non_smtpd_milters = MILTER\n");
    byte[] message = "Subject: replbody\nFrom: a@example.com\n\noriginal body\n"
        .getBytes(StandardCharsets.US_ASCII);
    PosternInstance.Result r = postern.commandWithInput(message, "sendmail", "-O", "requiretls=yes",
        "-f", "a@example.com", "root@mx.test");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(Commands.await(LIMIT, () -> postern.queueFilesQuietly("incoming").size() == 1))
        .isTrue();
    String cat = only("incoming");
    assertThat(cat)
        .contains("requiretls: yes\n")
        .contains("Require-TLS-ESMTP: yes\n")
        .contains("replaced by pymilter\n")
        .doesNotContain("original body");
    assertThat(events()).contains("connect localhost 127.0.0.1").contains("mail a@example.com");
  }

  @Test
  void milterDown_defaultShutdown_greets421AndLogsAsPostfix() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(MILTER_ADDRESS))) {
      closed = s.getLocalPort();
    }
    postern = PosternInstance.createReceiveOnly(dir, "myhostname = mx.test\n"
        + "smtpd_milters = inet:" + MILTER_ADDRESS + ":" + closed + "\n");
    postern.start();
    assertThat(Commands.await(LIMIT, () -> greeting().startsWith("421 "))).isTrue();
    assertThat(greeting()).isEqualTo("421 mx.test Service unavailable - try again later");
    postern.awaitLog(Pattern.compile("milter-reject: CONNECT"), LIMIT);
    assertThat(postern.maillogText())
        .contains("warning: connect to Milter service inet:" + MILTER_ADDRESS + ":" + closed
            + ": Connection refused")
        .contains("NOQUEUE: milter-reject: CONNECT from localhost[127.0.0.1]: 421 4.7.1 Service"
            + " unavailable - try again later; proto=SMTP");
  }

  /** The greeting line, or "" while smtpd does not answer yet. */
  private String greeting() {
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      return c.greeting();
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void lostConnectionDuringBodyReplacement_defaultAccept_replies421AndQueuesNothing()
      throws Exception {
    start("smtpd_milters = MILTER\nmilter_default_action = accept\n");
    try (SmtpClient c = client()) {
      assertThat(send(c, "a@example.com", List.of("root@mx.test"), "Subject: crash\n\nold body\n"))
          .isEqualTo("421 4.7.0 Service unavailable");
    }
    assertThat(postern.queueIds("incoming")).isEmpty();
    assertThat(postern.queueIds("hold")).isEmpty();
  }
}
