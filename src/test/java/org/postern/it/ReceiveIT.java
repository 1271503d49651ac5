package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receive path end to end: the real daemon started by {@code bin/postern start}, real
 * clients (swaks, Debian's python3 smtplib, a bare socket), and the queue files cleanup leaves in
 * incoming/ as {@code bin/postcat} shows them.
 */
class ReceiveIT {
  private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: (?:\\d+ bytes )?queued as ([0-9A-Za-z]+)");
  private static final Duration CLIENT_LIMIT = Duration.ofSeconds(60);

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

  private static String queueId(String transcript) {
    Matcher m = QUEUED.matcher(transcript);
    assertThat(m.find()).as("a 250 queued reply in:\n" + transcript).isTrue();
    return m.group(1);
  }

  private static PosternInstance.Result swaks(String... options) throws Exception {
    List<String> argv = new java.util.ArrayList<>(
        List.of(
            "swaks", "--server", "127.0.0.1:" + postern.smtpPort(), "--ehlo", "client.test",
            "--from", "a@example.com", "--to", "root@mx.test"));
    argv.addAll(List.of(options));
    return Commands.ok(argv, null, CLIENT_LIMIT);
  }

  private static PosternInstance.Result python(String script, String... args) throws Exception {
    Path file = Files.createTempFile(dir, "client", ".py");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    List<String> argv = new java.util.ArrayList<>(List.of("/usr/bin/python3", file.toString()));
    argv.addAll(List.of(args));
    return Commands.run(argv, null, CLIENT_LIMIT);
  }

  private static void assertQueuedInIncoming(String id) throws Exception {
    assertThat(postern.queueDirectory().resolve("incoming").resolve(id)).isRegularFile();
  }

  @Test
  void swaks_plain_queuedInIncoming() throws Exception {
    String out = swaks("--header", "Subject: plain swaks").out();

    String id = queueId(out);
    assertQueuedInIncoming(id);
    String cat = postern.postcat(id);
    assertThat(cat)
        .contains("sender: a@example.com\n")
        .contains("recipient: root@mx.test\n")
        .contains("Subject: plain swaks\n")
        .containsPattern("by mx\\.test \\(Postern\\) with ESMTP id " + id + "\\b");
    assertThat(cat).doesNotContain("tls_protocol").doesNotContain("requiretls: yes");
  }

  @Test
  void swaks_starttls_requiretlsAnnouncedOnlyInsideTls() throws Exception {
    String out = swaks("--tls").out();

    int tlsStart = out.indexOf("=== TLS started");
    assertThat(tlsStart).as("TLS started in:\n" + out).isPositive();
    String plaintext = out.substring(0, tlsStart);
    String inside = out.substring(tlsStart);
    assertThat(plaintext).contains("250-STARTTLS").doesNotContain("REQUIRETLS");
    assertThat(inside).containsPattern("<~  250[- ]REQUIRETLS").doesNotContain("STARTTLS\n");
    String id = queueId(inside);
    assertQueuedInIncoming(id);
    assertThat(postern.postcat(id))
        .contains("named_attribute: protocol_name=ESMTPS")
        .containsPattern("named_attribute: tls_protocol=TLSv1\\.[23]")
        .contains("with ESMTPS id " + id);
  }

  @Test
  void swaks_pipeline_queued() throws Exception {
    String out = swaks("--pipeline", "--header", "Subject: pipelined").out();

    assertThat(out).contains("250-PIPELINING").doesNotContain("did not advertise");
    String id = queueId(out);
    assertQueuedInIncoming(id);
    assertThat(postern.postcat(id)).contains("Subject: pipelined\n").contains("recipient: root@mx.test\n");
  }

  @Test
  void bdat_lastChunk_queued() throws Exception {
    byte[] message = "Subject: chunked\r\n\r\nbody sent with BDAT\r\n".getBytes(StandardCharsets.US_ASCII);
    String id;
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").text()).contains("CHUNKING");
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      c.send("BDAT " + message.length + " LAST\r\n");
      c.write(message);
      SmtpClient.Reply reply = c.reply();
      assertThat(reply.code()).as(reply.text()).isEqualTo(250);
      id = queueId(reply.text());
      assertThat(c.command("QUIT").code()).isEqualTo(221);
    }
    assertQueuedInIncoming(id);
    assertThat(postern.postcat(id))
        .contains("sender: a@example.com\n")
        .contains("Subject: chunked\n")
        .contains("body sent with BDAT\n");
  }

  private static final String SMTPLIB_REQUIRETLS =
      """
      import smtplib, ssl, sys
      ctx = ssl.create_default_context(cafile=sys.argv[2])
      ctx.check_hostname = False
      with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test") as c:
          c.set_debuglevel(1)
          c.ehlo()
          c.starttls(context=ctx)
          c.ehlo()
          refused = c.sendmail("a@example.com", ["root@mx.test"],
                               "Subject: smtplib requiretls\\r\\n\\r\\nbody\\r\\n",
                               mail_options=["REQUIRETLS"])
          print("refused:", refused)
      """;

  @Test
  void smtplib_requiretlsAfterStarttls_markedInQueueFile() throws Exception {
    PosternInstance.Result r =
        python(SMTPLIB_REQUIRETLS, Integer.toString(postern.smtpPort()), dir.resolve("pki/ca.pem").toString());

    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("refused: {}");
    String id = queueId(r.err());
    assertQueuedInIncoming(id);
    assertThat(postern.postcat(id))
        .contains("requiretls: yes\n")
        .contains("Require-TLS-ESMTP: yes\n")
        .containsPattern("named_attribute: tls_protocol=TLSv1\\.[23]");
  }

  @Test
  void smtplib_requiretlsWithoutTls_refused555() throws Exception {
    Set<String> before = postern.queueIds("incoming");
    PosternInstance.Result r =
        python(
            """
            import smtplib, sys
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test") as c:
                c.ehlo()
                try:
                    c.sendmail("a@example.com", ["root@mx.test"], "Subject: x\\r\\n\\r\\nb\\r\\n",
                               mail_options=["REQUIRETLS"])
                    print("accepted")
                except smtplib.SMTPSenderRefused as e:
                    print("refused", e.smtp_code, e.smtp_error.decode())
            """,
            Integer.toString(postern.smtpPort()));

    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).startsWith("refused 555 5.5.4 ");
    assertThat(postern.queueIds("incoming")).isEqualTo(before);
  }

  @Test
  void malformedMailFrom_5xxThenSessionContinues() throws Exception {
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      SmtpClient.Reply bad = c.command("MAIL FROM:<<bad>");
      assertThat(bad.code()).as(bad.text()).isBetween(500, 599);
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("RSET").code()).isEqualTo(250);
      assertThat(c.command("QUIT").code()).isEqualTo(221);
    }
  }

  @Test
  void disconnectInData_noNewQueueFile() throws Exception {
    assertDroppedDataLeavesNothing(false);
  }

  @Test
  void resetInData_noNewQueueFile() throws Exception {
    assertDroppedDataLeavesNothing(true);
  }

  private static void assertDroppedDataLeavesNothing(boolean reset) throws Exception {
    Set<String> before = postern.queueIds("incoming");
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      c.send("Subject: never finished\r\n\r\n" + "line of a message cut short\r\n".repeat(2000));
      if (reset) {
        c.abort();
      }
    }
    // The server needs a moment to notice; a complete message sent afterwards proves it is alive.
    Thread.sleep(1000);
    String out = swaks("--header", "Subject: after the drop").out();
    String id = queueId(out);

    Set<String> added = new HashSet<>(postern.queueIds("incoming"));
    added.removeAll(before);
    assertThat(added).containsExactly(id);
    assertThat(
            Commands.await(Duration.ofSeconds(10), () -> postern.queueFilesQuietly("tmp").isEmpty()))
        .as("temporary files left in tmp/: " + postern.queueFilesQuietly("tmp"))
        .isTrue();
  }
}
