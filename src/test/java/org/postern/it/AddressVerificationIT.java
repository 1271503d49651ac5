package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Address verification end to end (ADDRESS_VERIFICATION_README): Postern relays remote.test to a
 * real downstream (Debian's python3-aiosmtpd) that accepts {@code good} and answers {@code 550
 * 5.1.1 no such user here} to {@code bad}, and checks recipients with {@code
 * reject_unverified_recipient}. The first RCPT TO gets Postfix 3.12's {@code 450 ... Address
 * verification in progress} while the verify service sends probes through cleanup, qmgr and the
 * smtp client; then the good address gets 250 and the bad one the downstream's reply. The probes
 * stop at RCPT TO (the downstream sees RSET or QUIT, never DATA, and no message); the cache, an
 * lmdb: file under {@code data_directory}, answers the same after a restart without new probes.
 * Reply texts and log lines are those the Postfix 3.12 peer gives in the same setup.
 *
 * <p>{@code sendmail -bv} sends a probe of its own through the same route (to a second
 * downstream, for other.test) and mails the sender a delivery status report, as Postfix does.
 */
class AddressVerificationIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String DOWNSTREAM = "127.0.91.11";
  private static final String OTHER = "127.0.91.12";

  @TempDir static Path dir;
  private static AiosmtpdPeer downstream;
  private static AiosmtpdPeer other;
  private static int otherPort;
  private static PosternInstance postern;
  private static String refusal;

  @BeforeAll
  static void start() throws Exception {
    int port = PosternInstance.freePort();
    downstream = AiosmtpdPeer.start(dir, DOWNSTREAM, port, "--reject-rcpt", "bad", "--log-commands");
    otherPort = PosternInstance.freePort();
    other = AiosmtpdPeer.start(dir, OTHER, otherPort, "--reject-rcpt", "bad", "--log-commands");
    refusal = "host " + DOWNSTREAM + "[" + DOWNSTREAM + "] said: 550 5.1.1 no such user here"
        + " (in reply to RCPT TO command)";
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = verify.test",
        "mydestination = localhost",
        "relay_domains = remote.test, other.test",
        "defer_transports =",
        "transport_maps = inline:{remote.test=smtp:[" + DOWNSTREAM + "]:" + port + ", other.test=smtp:["
            + OTHER + "]:" + otherPort + "}",
        "smtpd_recipient_restrictions = reject_unauth_destination, reject_unverified_recipient,"
            + " permit",
        "address_verify_poll_count = 1",
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
      for (AiosmtpdPeer p : new AiosmtpdPeer[] {downstream, other}) {
        if (p != null) {
          p.close();
        }
      }
    }
  }

  private static List<String> rcpts(String... recipients) throws IOException {
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<sender@client.test>").code()).isEqualTo(250);
      List<String> replies = new java.util.ArrayList<>();
      for (String r : recipients) {
        replies.add(c.command("RCPT TO:<" + r + ">").text());
      }
      c.command("QUIT");
      return replies;
    }
  }

  @Test
  void rejectUnverifiedRecipient_probesThroughTheQueue_andCachesAcrossRestart() throws Exception {
    assertThat(rcpts("good@remote.test", "bad@remote.test")).containsExactly(
        "450 4.1.1 <good@remote.test>: Recipient address rejected: unverified address:"
            + " Address verification in progress",
        "450 4.1.1 <bad@remote.test>: Recipient address rejected: unverified address:"
            + " Address verification in progress");
    postern.awaitLog(Pattern.compile("to=<good@remote.test>, relay=" + Pattern.quote(DOWNSTREAM)
        + ".*dsn=2\\.1\\.5, status=deliverable \\(250 2\\.1\\.5 Ok\\)"), LIMIT);
    postern.awaitLog(Pattern.compile("to=<bad@remote.test>, relay=" + Pattern.quote(DOWNSTREAM)
        + ".*dsn=5\\.1\\.1, status=undeliverable \\(" + Pattern.quote(refusal) + "\\)"), LIMIT);
    assertThat(postern.logLines(Pattern.compile("from=<double-bounce@verify\\.test>, size=\\d+,"
        + " nrcpt=1 \\(queue active\\)"))).hasSize(2);

    assertThat(rcpts("good@remote.test", "bad@remote.test")).containsExactly(
        "250 2.1.5 Ok",
        "450 4.1.1 <bad@remote.test>: Recipient address rejected: unverified address: " + refusal);
    assertThat(postern.logLines(Pattern.compile("NOQUEUE: reject: RCPT from .*: 450 4\\.1\\.1"
        + " <bad@remote.test>: Recipient address rejected: unverified address: "
        + Pattern.quote(refusal) + "; from=<sender@client.test> to=<bad@remote.test>"
        + " proto=ESMTP helo=<client.test>"))).hasSize(1);

    assertThat(downstream.messages()).as("a probe never delivers a message").isEmpty();
    assertThat(downstream.commands()).extracting(AiosmtpdPeer.Command::verb)
        .contains("RCPT").doesNotContain("DATA");
    assertThat(downstream.commands()).extracting(AiosmtpdPeer.Command::argument)
        .filteredOn(a -> a.startsWith("TO:")).containsExactlyInAnyOrder(
            "TO:<good@remote.test>", "TO:<bad@remote.test>");
    assertThat(Commands.await(LIMIT, () -> postern.queueFilesQuietly("active").isEmpty()
        && postern.queueFilesQuietly("deferred").isEmpty())).as("probes leave no queue file").isTrue();
    assertThat(postern.logLines(Pattern.compile("(non-delivery|delay) notification")))
        .as("probes send no bounce").isEmpty();

    postern.postconf("unverified_recipient_reject_code=550");
    postern.stop();
    postern.startAndAwaitSmtp();

    assertThat(rcpts("good@remote.test", "bad@remote.test")).containsExactly(
        "250 2.1.5 Ok",
        "550 5.1.1 <bad@remote.test>: Recipient address rejected: undeliverable address: " + refusal);
    assertThat(downstream.commands()).as("answered from the cache: no new probe")
        .filteredOn(c -> c.verb().equals("RCPT")).hasSize(2);
    assertThat(dir.resolve("postern/lib/verify_cache.lmdb")).isRegularFile();
  }

  @Test
  void sendmailBv_mailsADeliveryStatusReportAndDeliversNothing() throws Exception {
    PosternInstance.Result r = postern.command("sendmail", "-f", "report@other.test", "-bv",
        "good@other.test", "bad@other.test");

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(
        "Mail Delivery Status Report will be mailed to <report@other.test>.\n");
    String report = other.awaitMessages(1, LIMIT).get(0).text();
    String via = OTHER + "[" + OTHER + "]:" + otherPort;
    assertThat(report)
        .contains("Subject: Mail Delivery Status Report")
        .contains("<good@other.test>: delivery via " + via + ": 250 2.1.5 Ok")
        .contains("Action: deliverable")
        .contains("Action: undeliverable")
        .contains("Diagnostic-Code: smtp; 550 5.1.1 no such user here")
        .contains("Subject: probe");
    assertThat(other.messages()).singleElement()
        .satisfies(m -> assertThat(m.recipients()).containsExactly("report@other.test"));
    postern.awaitLog(Pattern.compile("to=<bad@other.test>, relay=" + Pattern.quote(via)
        + ".*status=undeliverable \\(host " + Pattern.quote(OTHER) + ".*550 5\\.1\\.1"), LIMIT);
    postern.awaitLog(Pattern.compile(": sender delivery status notification: [0-9A-Z]+"), LIMIT);
  }
}
