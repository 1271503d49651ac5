package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/postern requiretls-report} over the maillog of the Postfix 3.12 reference peer: the
 * report reads Postfix's own {@code maillog_file} times, its qmgr {@code from=} line (for {@code
 * --by sender}) and its status lines, which have no {@code requiretls:} check line before them.
 * Postfix 3.12 on 127.0.107.20 takes a message with {@code MAIL FROM ... REQUIRETLS} over STARTTLS
 * and relays it ({@code smtp_requiretls_policy = opportunistic}, level {@code may}) to an aiosmtpd
 * peer with STARTTLS and REQUIRETLS on 127.0.107.21:25.
 */
class RequireTlsReportPostfixIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static final List<AutoCloseable> started = new ArrayList<>();
  private static Postfix312Instance postfix;
  private static TestPki pki;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    List<Path> peerCert = pki.server("mx.rcpt.test");
    started.add(AiosmtpdPeer.start(dir, "127.0.107.21", 25, "--tls",
        peerCert.get(0).toString(), peerCert.get(1).toString(), "--requiretls"));
    List<Path> own = pki.server("pf.test");
    port = PosternInstance.freePort();
    postfix = Postfix312Instance.startDelivering(dir, dir.resolve("postfix"), "127.0.107.20", port,
        String.join("\n",
            "myhostname = pf.test",
            "mydestination =",
            "mynetworks = 127.0.0.0/8",
            "relayhost = [127.0.107.21]:25",
            "smtpd_tls_security_level = may",
            "smtpd_tls_cert_file = " + own.get(0),
            "smtpd_tls_key_file = " + own.get(1),
            "smtp_tls_security_level = may",
            "smtp_requiretls_policy = opportunistic"));
    started.add(0, postfix);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  private static PosternInstance.Result report(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(
        PosternInstance.HOME.resolve("bin/postern").toString(), "requiretls-report"));
    argv.addAll(List.of(args));
    argv.add(postfix.maillog().toString());
    PosternInstance.Result r = Commands.run(argv, null, LIMIT);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    return r;
  }

  @Test
  void postfixLog_bySenderFromQmgrLine_insideAndOutsideTheWindow() throws Exception {
    String id = Submit.requireTls("127.0.107.20", port, pki.caCert(), "alice@Sender.test", "bob@rcpt.test",
        "proof", "body");
    Pattern sent = Pattern.compile(id + ": to=<bob@rcpt\\.test>, .*tls=may/requiretls:nocertmatch,"
        + " dsn=2\\.0\\.0, status=sent");
    assertThat(Commands.await(LIMIT, () -> sent.matcher(postfix.log()).find()))
        .as("Postfix 3.12 sent " + id + ":\n" + postfix.log()).isTrue();
    assertThat(postfix.log()).contains(id + ": from=<alice@Sender.test>, size=");

    assertThat(report("--by", "sender", "--since", "2000-01-01").out()).isEqualTo("""
        domain       enforce  total  requiretls:nocertmatch
        TOTAL            0/1      1                       1
        sender.test     fail      1                       1
        """);
    assertThat(report("--until", "2000-01-01").out())
        .isEqualTo("domain  enforce  total\nTOTAL       0/0      0\n");
  }
}
