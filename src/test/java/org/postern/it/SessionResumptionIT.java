package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postfix's TLS client resumes the TLS 1.3 sessions of Postern's smtpd under the default
 * engine (BoringSSL, {@code postern_tls_provider = boringssl}): Debian's {@code posttls-finger
 * -r} (the TLS client library of Postfix's smtp(8), with its session cache in memory) connects,
 * keeps the ticket, reconnects a second later and reports {@code Reusing old session}, and
 * Postern logs both STARTTLS sessions as Postfix's smtpd would.
 */
class SessionResumptionIT {
  private static final Pattern ESTABLISHED = Pattern.compile(
      "postern/smtpd\\[\\d+\\]: Anonymous TLS connection established from \\S+: TLSv1\\.3 with"
          + " cipher TLS_\\S+ \\((128|256)/\\1 bits\\)");
  @TempDir static Path dir;
  private static PosternInstance postern;

  @BeforeAll
  static void startPostern() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.test");
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.test",
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + mx.get(0),
        "smtpd_tls_key_file = " + mx.get(1),
        "smtpd_tls_loglevel = 1",
        ""));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stopPostern() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void postfixTlsClient_reconnects_resumesTheSession() throws Exception {
    Path config = Files.createDirectories(dir.resolve("posttls-finger"));
    Files.writeString(config.resolve("main.cf"), "");
    ProcessBuilder pb = new ProcessBuilder("posttls-finger", "-c", "-r", "1", "-l", "may",
        "-L", "summary,cache", "[127.0.0.1]:" + postern.smtpPort()).redirectErrorStream(true);
    pb.environment().put("MAIL_CONFIG", config.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(out).as(out)
        .contains("Reusing old session")
        .contains("Found a previously used server.  Done reconnecting.");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (postern.logLines(ESTABLISHED).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100); // the second session's line may follow the client's exit
    }
    assertThat(postern.logLines(ESTABLISHED)).as(postern.maillogText()).hasSize(2);
    assertThat(postern.maillogText()).doesNotContain("postern_tls_provider"); // BoringSSL loaded
  }
}
