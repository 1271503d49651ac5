package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Address verification on Postern and on the Postfix 3.12 peer, side by side: both relay
 * remote.test to the same aiosmtpd downstream (which refuses {@code bad} with 550) and check
 * recipients with {@code reject_unverified_recipient}. The same dialogues get the same replies
 * (probe in flight, deliverable, refused downstream in the 450 and, after a reload with {@code
 * unverified_recipient_reject_code = 550}, the 550 form), and the probes' delivery status lines
 * and smtpd's reject lines read the same once queue ids, process ids and timings are left out.
 */
class AddressVerificationDifferentialIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String DOWNSTREAM = "127.0.91.21";
  private static final String POSTFIX = "127.0.91.22";
  private static final Pattern PROBE_LINE = Pattern.compile(
      "(to=<[^>]+>, relay=\\S+), delay=[\\d.]+, delays=[\\d./]+, (.*status=(?:deliverable|undeliverable) .*)");
  private static final Pattern REJECT_LINE = Pattern.compile("(reject: RCPT from .*)");

  @TempDir static Path dir;
  private static AiosmtpdPeer downstream;
  private static Postfix312Instance postfix;
  private static int postfixPort;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    int port = PosternInstance.freePort();
    downstream = AiosmtpdPeer.start(dir, DOWNSTREAM, port, "--reject-rcpt", "bad");
    String common = String.join("\n",
        "myhostname = verify.test",
        "mydestination = localhost",
        "relay_domains = remote.test",
        "transport_maps = inline:{remote.test=smtp:[" + DOWNSTREAM + "]:" + port + "}",
        "smtpd_recipient_restrictions = reject_unauth_destination, reject_unverified_recipient,"
            + " permit",
        "address_verify_poll_count = 1",
        "");
    postfixPort = PosternInstance.freePort();
    postfix = Postfix312Instance.startDelivering(dir, dir.resolve("postfix"), POSTFIX, postfixPort,
        common);
    postern = PosternInstance.create(dir.resolve("postern"), common + "defer_transports =\n");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix, downstream}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static List<String> dialogue(InetAddress server, int port) throws IOException {
    try (SmtpClient c = SmtpClient.connectFrom(null, server, port)) {
      c.command("EHLO client.test");
      c.command("MAIL FROM:<sender@client.test>");
      List<String> replies = new ArrayList<>();
      for (String r : List.of("good@remote.test", "bad@remote.test")) {
        replies.add(c.command("RCPT TO:<" + r + ">").text());
      }
      c.command("QUIT");
      return replies;
    }
  }

  private static void sameReplies() throws IOException {
    List<String> expected = dialogue(InetAddress.getByName(POSTFIX), postfixPort);
    List<String> actual = dialogue(InetAddress.getLoopbackAddress(), postern.smtpPort());
    assertThat(actual).as("Postern's replies, Postfix 3.12's were " + expected).isEqualTo(expected);
  }

  /** Each line's part that {@code pattern} finds (its groups joined), in log order. */
  private static List<String> shapes(String log, Pattern pattern) {
    List<String> out = new ArrayList<>();
    for (String line : log.lines().toList()) {
      var m = pattern.matcher(line);
      if (m.find()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= m.groupCount(); i++) {
          b.append(i > 1 ? ", " : "").append(m.group(i));
        }
        out.add(b.toString());
      }
    }
    return out.stream().sorted().toList();
  }

  private static void awaitProbes(Supplier<String> log, String who) throws InterruptedException {
    assertThat(Commands.await(LIMIT, () -> shapes(log.get(), PROBE_LINE).size() >= 2))
        .as(who + " logs both probes:\n" + log.get()).isTrue();
  }

  @Test
  void sameRepliesAndLogLines_asPostfix312() throws Exception {
    sameReplies();
    awaitProbes(postfix::log, "Postfix 3.12");
    awaitProbes(postern::maillogText, "Postern");

    sameReplies();
    postfix.reconfigure("unverified_recipient_reject_code=550");
    postern.postconf("unverified_recipient_reject_code=550");
    assertThat(postern.command("postern", "reload").status()).isZero();
    sameReplies();

    assertThat(shapes(postern.maillogText(), PROBE_LINE))
        .isEqualTo(shapes(postfix.log(), PROBE_LINE));
    assertThat(shapes(postern.maillogText(), REJECT_LINE))
        .hasSize(4)
        .isEqualTo(shapes(postfix.log(), REJECT_LINE));
  }
}
