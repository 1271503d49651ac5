package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile bytes from an SMTP client against a real Postern smtpd (bin/postern start, receive
 * only): every malformed command gets its 5xx and the session goes on, nothing a client was told
 * is accepted gets lost, and only the cases where the byte stream can no longer be trusted (a bad
 * BDAT count, the error limit, a timeout) end the session, with Postfix's 521 or 421.
 */
class HostileSmtpdIT {
  private static final Pattern QUEUED =
      Pattern.compile("250 2\\.0\\.0 Ok: (?:\\d+ bytes )?queued as ([0-9A-Za-z]+)");

  @TempDir static Path dir;
  private static PosternInstance postern;

  @BeforeAll
  static void startPostern() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.test");
    postern =
        PosternInstance.createReceiveOnly(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = mx.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.1/32",
                "local_recipient_maps =",
                "message_size_limit = 1000000",
                "smtpd_timeout = 4s",
                "smtpd_hard_error_limit = 20",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + mx.get(0),
                "smtpd_tls_key_file = " + mx.get(1),
                ""));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stopPostern() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  private static SmtpClient ehlo() throws IOException {
    SmtpClient c = SmtpClient.connect(postern.smtpPort());
    assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
    return c;
  }

  private static String queueId(SmtpClient.Reply reply) {
    Matcher m = QUEUED.matcher(reply.text());
    assertThat(m.find()).as("a 250 queued reply: " + reply).isTrue();
    return m.group(1);
  }

  /** A plain message sent with DATA in the same session: proof that the session went on. */
  private static String sendMessage(SmtpClient c, String subject) throws IOException {
    assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
    assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
    assertThat(c.command("DATA").code()).isEqualTo(354);
    SmtpClient.Reply r = c.command("Subject: " + subject + "\r\n\r\nbody\r\n.");
    assertThat(r.code()).as(r.text()).isEqualTo(250);
    return queueId(r);
  }

  private static void assertSessionGoesOn(SmtpClient c) throws IOException {
    assertThat(c.command("NOOP").code()).isEqualTo(250);
  }

  private static void assertHungUp(SmtpClient c) {
    assertThatThrownBy(() -> c.command("NOOP")).isInstanceOf(IOException.class);
  }

  @Test
  void commandLine_overLineLengthLimit_replies500AndSessionGoesOn() throws Exception {
    try (SmtpClient c = ehlo()) {
      SmtpClient.Reply r = c.command("MAIL FROM:<" + "a".repeat(20_000) + "@example.com>");

      assertThat(r.code()).as(r.text()).isEqualTo(500);
      assertThat(r.text()).startsWith("500 5.5.");
      sendMessage(c, "after a long line");
    }
  }

  @Test
  void parameter_withBareCrAndNul_replies555WithoutTheControlsAndSessionGoesOn() throws Exception {
    try (SmtpClient c = ehlo()) {
      SmtpClient.Reply r = c.command("MAIL FROM:<a@example.com> X-EVIL=a\rb\u0000c");

      assertThat(r.code()).as(r.text()).isEqualTo(555);
      assertThat(r.text()).isEqualTo("555 5.5.4 Unsupported option: X-EVIL=a?b?c");
      sendMessage(c, "after a parameter with controls");
    }
  }

  @Test
  void rcpt_parameterWithBareCr_replies555AndSessionGoesOn() throws Exception {
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);

      assertThat(c.command("RCPT TO:<root@mx.test> A\rX").text()).isEqualTo("555 5.5.4 Unsupported option: A?X");

      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("RSET").code()).isEqualTo(250);
    }
  }

  @Test
  void orcpt_encodedCrLf_replies501() throws Exception {
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);

      SmtpClient.Reply r = c.command("RCPT TO:<root@mx.test> ORCPT=rfc822;a@b+0D+0AX-Injected:+20yes");

      assertThat(r.text()).isEqualTo("501 5.5.4 Error: Bad ORCPT parameter syntax");
      assertSessionGoesOn(c);
    }
  }

  @Test
  void helo_withBareCrTabAndNul_neuteredInTheReceivedHeader() throws Exception {
    String id;
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO evil\rX-Injected: yes\u0000\tx").code()).isEqualTo(250);
      id = sendMessage(c, "neutered helo");
    }
    String cat = postern.postcat(id);
    assertThat(cat).doesNotContain("X-Injected: yes").doesNotContain("\r").doesNotContain("\u0000");
    assertThat(cat).contains("from evil?X-Injected:?yes??x (");
  }

  @Test
  void command_invalidUtf8_replies500BadUtf8AndSessionGoesOn() throws Exception {
    try (SmtpClient c = ehlo()) {
      c.write("MAIL FROM:<\u00ff\u00fe@example.com>\r\n".getBytes(StandardCharsets.ISO_8859_1));

      assertThat(c.reply().text()).isEqualTo("500 5.5.2 Error: bad UTF-8 syntax");
      sendMessage(c, "after bad UTF-8");
    }
  }

  @Test
  void mail_utf8AddressWithoutSmtputf8_replies553AndWithItIsAccepted() throws Exception {
    try (SmtpClient c = ehlo()) {
      c.write("MAIL FROM:<j\u00f6rg@example.com>\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(c.reply().code()).isEqualTo(553);

      c.write("MAIL FROM:<j\u00f6rg@example.com> SMTPUTF8\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(c.reply().code()).isEqualTo(250);
      assertThat(c.command("RSET").code()).isEqualTo(250);
    }
  }

  @Test
  void starttls_commandsInTheSamePacket_areNotExecutedInsideTls() throws Exception {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), postern.smtpPort()), 5_000);
      plain.setSoTimeout(30_000);
      InputStream in = plain.getInputStream();
      OutputStream out = plain.getOutputStream();
      assertThat(readReply(in)).startsWith("220 ");
      // One write: the injected MAIL FROM rides in the same packet as STARTTLS (CVE-2011-0411).
      out.write("EHLO client.test\r\nSTARTTLS\r\nMAIL FROM:<injected@example.com>\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readReply(in)).startsWith("250");
      assertThat(readReply(in)).startsWith("220 2.0.0");

      SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "mx.test", postern.smtpPort(), true);
      tls.startHandshake();
      InputStream tin = tls.getInputStream();
      OutputStream tout = tls.getOutputStream();
      tout.write("EHLO client.test\r\nRCPT TO:<root@mx.test>\r\n".getBytes(StandardCharsets.US_ASCII));
      tout.flush();

      assertThat(readReply(tin)).startsWith("250");
      assertThat(readReply(tin)).isEqualTo("503 5.5.1 Error: need MAIL command");
    }
  }

  @Test
  void bdat_badCounts_reply521AndHangUp() throws Exception {
    for (String count : List.of("-1", "99999999999999999999", "5 X", "0x10", "", "1 LAST LAST")) {
      try (SmtpClient c = ehlo()) {
        assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
        assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);

        // What follows the bad command would be read as commands if the session went on.
        c.send("BDAT " + count + "\r\nRSET\r\n");

        assertThat(c.reply().text()).as("BDAT " + count).isEqualTo("521 5.5.4 Syntax: BDAT count [LAST]");
        assertHungUp(c);
      }
    }
  }

  @Test
  void bdat_withoutTransaction_skipsTheChunkAndSessionGoesOn() throws Exception {
    try (SmtpClient c = ehlo()) {
      c.send("BDAT 6\r\nNOOP\r\n");

      assertThat(c.reply().text()).isEqualTo("503 5.5.1 Error: need RCPT command");
      sendMessage(c, "after a stray chunk");
    }
  }

  @Test
  void rcptAndMail_afterFirstBdatChunk_replies503AndNoAcceptedRecipientIsLost() throws Exception {
    String id;
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      String chunk = "Subject: chunks\r\n\r\nb\r\n";
      c.send("BDAT " + chunk.length() + "\r\n" + chunk);
      assertThat(c.reply().code()).isEqualTo(250);

      SmtpClient.Reply late = c.command("RCPT TO:<late@mx.test>");
      SmtpClient.Reply mail = c.command("MAIL FROM:<b@example.com>");

      c.send("BDAT 6 LAST\r\nbody\r\n");
      id = queueId(c.reply());
      assertThat(late.text()).isEqualTo("503 5.5.1 Error: RCPT after BDAT");
      assertThat(mail.text()).isEqualTo("503 5.5.1 Error: MAIL after BDAT");
    }
    String cat = postern.postcat(id);
    assertThat(cat).contains("recipient: root@mx.test\n").contains("Subject: chunks\n");
  }

  @Test
  void data_withoutMailOrRcpt_replies503And554() throws Exception {
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("DATA").text()).isEqualTo("503 5.5.1 Error: need RCPT command");
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("DATA").text()).isEqualTo("554 5.5.1 Error: no valid recipients");
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      assertThat(queueId(c.command("Subject: late\r\n\r\nx\r\n."))).isNotEmpty();
    }
  }

  @Test
  void mail_requiretlsWithoutTls_replies555AndSessionGoesOn() throws Exception {
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("MAIL FROM:<a@example.com> REQUIRETLS").text())
          .isEqualTo("555 5.5.4 Unsupported option: REQUIRETLS");
      sendMessage(c, "after REQUIRETLS in plaintext");
    }
  }

  @Test
  void mail_badAndHugeSizesAndDuplicateParameters_refusedAndSessionGoesOn() throws Exception {
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("MAIL FROM:<a@example.com> SIZE=12x").text())
          .isEqualTo("501 5.5.4 Bad message size syntax");
      assertThat(c.command("MAIL FROM:<a@example.com> SIZE=").text())
          .isEqualTo("501 5.5.4 Bad message size syntax");
      assertThat(c.command("MAIL FROM:<a@example.com> SIZE=99999999999999999999999").code())
          .isBetween(501, 552);
      assertThat(c.command("MAIL FROM:<a@example.com> SIZE=1000001").text())
          .isEqualTo("552 5.3.4 Message size exceeds fixed limit");
      assertThat(c.command("MAIL FROM:<a@example.com> ENVID=a ENVID=b").text())
          .isEqualTo("501 5.5.4 Bad ENVID parameter syntax");
      assertThat(c.command("MAIL FROM:<a@example.com> RET=FULL RET=HDRS").text())
          .isEqualTo("501 5.5.4 Bad RET parameter syntax");
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test> NOTIFY=NEVER NOTIFY=NEVER").text())
          .isEqualTo("501 5.5.4 Error: Bad NOTIFY parameter syntax");
      assertThat(c.command("RSET").code()).isEqualTo(250);
      sendMessage(c, "after bad parameters");
    }
  }

  @Test
  void data_overMessageSizeLimit_replies552AndNextMessageInSessionIsQueued() throws Exception {
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      String line = "y".repeat(998) + "\r\n";
      c.send("Subject: big\r\n\r\n" + line.repeat(1100));
      // A line that looks like a command inside the refused data must stay data.
      c.send("RSET\r\n");

      assertThat(c.command(".").text()).isEqualTo("552 5.3.4 Error: message file too big");
      String id = sendMessage(c, "small after big");
      assertThat(postern.postcat(id)).contains("Subject: small after big\n");
    }
  }

  @Test
  void data_headerOverHeaderSizeLimitAndOverLongLines_queuedWithTheBodyIntact() throws Exception {
    String id;
    try (SmtpClient c = ehlo()) {
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.send("Subject: huge header\r\nX-Huge: " + "h".repeat(150_000) + "\r\n\r\n");
      c.send("z".repeat(5000) + "\r\nlast body line\r\n");

      SmtpClient.Reply r = c.command(".");
      assertThat(r.code()).as(r.text()).isEqualTo(250);
      id = queueId(r);
      assertSessionGoesOn(c);
    }
    assertThat(postern.postcat(id)).contains("Subject: huge header\n").contains("last body line\n");
  }

  @Test
  void errors_pastHardErrorLimit_reply421AndHangUp() throws Exception {
    try (SmtpClient c = ehlo()) {
      for (int i = 0; i < 20; i++) {
        assertThat(c.command("BOGUS " + i).code()).isEqualTo(500);
      }

      assertThat(c.reply().text()).isEqualTo("421 4.7.0 mx.test Error: too many errors");
      assertHungUp(c);
    }
  }

  @Test
  void idleClient_pastSmtpdTimeout_gets421Timeout() throws Exception {
    try (SmtpClient c = ehlo()) {
      c.send("MAIL FROM:<a@exam");

      assertThat(c.reply().text()).isEqualTo("421 4.4.2 mx.test Error: timeout exceeded");
    }
    postern.awaitLog(Pattern.compile("timeout after EHLO from"), java.time.Duration.ofSeconds(10));
  }

  private static String readReply(InputStream in) throws IOException {
    while (true) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new IOException("connection closed after \"" + b + "\"");
        }
        b.write(c);
      }
      String line = b.toString(StandardCharsets.UTF_8).stripTrailing();
      if (line.length() < 4 || line.charAt(3) != '-') {
        return line;
      }
    }
  }

  /** The test only needs the channel, not the server's identity. */
  private static SSLContext trustAll() throws Exception {
    TrustManager all = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {all}, null);
    return ctx;
  }
}
