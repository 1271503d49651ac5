package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Postern's SMTP client does with the ESMTP features a real server (Debian's
 * python3-aiosmtpd) withholds: an 8-bit text/plain message for a server without 8BITMIME is
 * converted to quoted-printable (and sent unchanged with BODY=8BITMIME where it is offered); a
 * message that needs SMTPUTF8 skips an MX host without SMTPUTF8 for the next one (MX records from
 * Debian's unbound).
 */
class AiosmtpdFeaturesIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String EIGHT_BIT_BODY = "Grüße aus Köln, 8 bits\n";

  @TempDir static Path dir;
  private static Unbound unbound;
  private static AiosmtpdPeer seven;
  private static AiosmtpdPeer eight;
  private static AiosmtpdPeer asciiMx;
  private static AiosmtpdPeer utf8Mx;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    unbound =
        Unbound.start(
            dir.resolve("unbound"),
            List.of(
                "utf8.test. 300 IN MX 10 mx1.utf8.test.",
                "utf8.test. 300 IN MX 20 mx2.utf8.test.",
                "mx1.utf8.test. 300 IN A 127.0.55.21",
                "mx2.utf8.test. 300 IN A 127.0.55.22"));
    int sevenPort = PosternInstance.freePort();
    int eightPort = PosternInstance.freePort();
    seven = AiosmtpdPeer.start(dir, "127.0.0.1", sevenPort, "--no-8bitmime");
    eight = AiosmtpdPeer.start(dir, "127.0.0.1", eightPort);
    asciiMx = AiosmtpdPeer.start(dir, "127.0.55.21", 25, "--no-smtputf8");
    utf8Mx = AiosmtpdPeer.start(dir, "127.0.55.22", 25);
    Path transport = dir.resolve("transport");
    Files.writeString(
        transport,
        "seven.test smtp:[127.0.0.1]:" + sevenPort + "\neight.test smtp:[127.0.0.1]:" + eightPort + "\n");
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "defer_transports =",
                "transport_maps = texthash:" + transport,
                "postern_dns_resolver_address = " + unbound.address(),
                ""));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {seven, eight, asciiMx, utf8Mx, unbound}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  private static final String SMTPLIB_SEND =
      """
      import smtplib, sys
      port, sender, recipient, options = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
      message = sys.stdin.buffer.read().replace(b"\\n", b"\\r\\n")
      with smtplib.SMTP("127.0.0.1", int(port), local_hostname="client.test") as c:
          c.set_debuglevel(1)
          c.ehlo()
          refused = c.sendmail(sender, [recipient], message, mail_options=options.split())
          print("refused:", refused)
      """;

  /** Sends {@code message} with python3's smtplib and MAIL FROM {@code options}; the queue id. */
  private static String send(String sender, String recipient, String options, String message) throws Exception {
    Path script = dir.resolve("send.py");
    Files.writeString(script, SMTPLIB_SEND, StandardCharsets.UTF_8);
    PosternInstance.Result r =
        Commands.ok(
            List.of("/usr/bin/python3", script.toString(), Integer.toString(postern.smtpPort()), sender, recipient, options),
            message,
            LIMIT);
    assertThat(r.out()).contains("refused: {}");
    return Submit.queueId(r.err());
  }

  private static String eightBitMessage(String to, String subject) {
    return "From: <sender@client.test>\nTo: <" + to + ">\nSubject: " + subject
        + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + EIGHT_BIT_BODY;
  }

  @Test
  void eightBitMessage_serverWithout8bitmime_quotedPrintable() throws Exception {
    String id = send("sender@client.test", "someone@seven.test", "BODY=8BITMIME", eightBitMessage("someone@seven.test", "to seven"));

    postern.awaitLog(Pattern.compile(id + ": to=<someone@seven\\.test>, .*status=sent"), LIMIT);
    AiosmtpdPeer.Message m = seven.awaitMessages(1, LIMIT).get(0);
    String text = m.text();
    assertThat(text)
        .contains("Subject: to seven")
        .containsPattern("(?m)^Content-Transfer-Encoding: quoted-printable\r?$")
        .doesNotContain("Content-Transfer-Encoding: 8bit")
        .contains("Gr=C3=BC=C3=9Fe aus K=C3=B6ln, 8 bits");
    for (byte b : m.content()) {
      assertThat(b & 0xff).as("octets sent to a server without 8BITMIME").isLessThan(0x80);
    }
    assertThat(seven.mails()).singleElement().satisfies(mail -> assertThat(mail.has("BODY")).isFalse());
  }

  @Test
  void eightBitMessage_serverWith8bitmime_sentUnchanged() throws Exception {
    String id = send("sender@client.test", "someone@eight.test", "BODY=8BITMIME", eightBitMessage("someone@eight.test", "to eight"));

    postern.awaitLog(Pattern.compile(id + ": to=<someone@eight\\.test>, .*status=sent"), LIMIT);
    AiosmtpdPeer.Message m = eight.awaitMessages(1, LIMIT).get(0);
    assertThat(m.text()).contains("Content-Transfer-Encoding: 8bit").contains(EIGHT_BIT_BODY.strip());
    assertThat(eight.mails()).singleElement().satisfies(mail -> assertThat(mail.words()).contains("BODY=8BITMIME"));
  }

  @Test
  void smtputf8Message_firstMxWithoutSmtputf8_nextMxTakesIt() throws Exception {
    String recipient = "jörg@utf8.test";
    String id =
        send("sender@client.test", recipient, "SMTPUTF8",
            "From: <sender@client.test>\nTo: <" + recipient + ">\nSubject: needs SMTPUTF8\n\nbody\n");

    String line = postern.awaitLog(Pattern.compile("(" + id + ": to=<jörg@utf8\\.test>, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
    assertThat(line).contains("relay=mx2.utf8.test[127.0.55.22]:25").contains("status=sent");
    AiosmtpdPeer.Message m = utf8Mx.awaitMessages(1, LIMIT).get(0);
    assertThat(m.recipients()).containsExactly(recipient);
    assertThat(utf8Mx.mails()).singleElement().satisfies(mail -> assertThat(mail.words()).contains("SMTPUTF8"));
    assertThat(asciiMx.connectionCount()).as("the first MX was tried").isEqualTo(1);
    assertThat(asciiMx.mails()).as("no MAIL FROM to the MX without SMTPUTF8").isEmpty();
  }
}
