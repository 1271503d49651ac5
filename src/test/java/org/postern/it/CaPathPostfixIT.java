package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.differential.Postfix312;

/**
 * {@code smtp_tls_CApath} on Postfix 3.12 and on Postern, the directory MTA-STS also trusts for
 * the policy host: the relay [127.0.100.21]:25 is an aiosmtpd server with a certificate for
 * mx1.capath.test from the test CA, delivered to at {@code smtp_tls_security_level = secure} with
 * {@code smtp_tls_secure_cert_match = mx1.capath.test} and no {@code smtp_tls_CAfile}. The CA
 * directory holds the CA certificate as {@code test-ca.pem}, either alone ("plain") or with the
 * hash link {@code openssl rehash} makes ("hashed"). Postfix (OpenSSL) looks certificates up in
 * the directory by their hash names only, so it defers with the plain directory; Postern reads
 * every file, so the plain directory works for it too, and a directory prepared for Postfix
 * works for both.
 */
class CaPathPostfixIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final Pattern STATUS =
      Pattern.compile("to=<someone@capath\\.test>, .*status=(?:sent|deferred|bounced).*");

  @TempDir static Path tmp;
  private static AiosmtpdPeer mx;
  /** "postfix-plain", "postern-hashed", ...: the status line of the delivery. */
  private static final Map<String, String> STATUS_LINES = new HashMap<>();

  @BeforeAll
  static void runBoth() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    List<Path> cert = pki.server("mx1.capath.test");
    mx = AiosmtpdPeer.start(tmp, "127.0.100.21", 25, "--tls", cert.get(0).toString(),
        cert.get(1).toString());
    for (String kind : List.of("plain", "hashed")) {
      Path caPath = Files.createDirectories(tmp.resolve("capath-" + kind));
      Files.copy(pki.caCert(), caPath.resolve("test-ca.pem"));
      if (kind.equals("hashed")) {
        Commands.ok(List.of("openssl", "rehash", caPath.toString()), null, LIMIT);
      }
      List<String> common = List.of("myhostname = client.test", "mydestination =",
          "mynetworks = 127.0.0.0/8", "relayhost = [127.0.100.21]",
          "smtp_tls_security_level = secure", "smtp_tls_secure_cert_match = mx1.capath.test",
          "smtp_tls_CAfile =", "smtp_tls_CApath = " + caPath);
      try (Postfix312 p = Postfix312.start(tmp.resolve("postfix-" + kind), common,
          List.of("127.0.100.22:2525 inet n - n - - smtpd"), Optional.empty())) {
        Commands.ok(List.of("swaks", "--server", "127.0.100.22:2525", "--ehlo", "client.test",
            "--from", "sender@client.test", "--to", "someone@capath.test"), null, LIMIT);
        Commands.await(LIMIT, () -> status(p.maillogText()).isPresent());
        STATUS_LINES.put("postfix-" + kind, status(p.maillogText()).orElse("(no status line)"));
      }
      List<String> posternCf = new ArrayList<>(common);
      posternCf.addAll(List.of("inet_protocols = ipv4", "defer_transports ="));
      try (PosternInstance postern = PosternInstance.create(tmp.resolve("postern-" + kind),
          String.join("\n", posternCf) + "\n")) {
        postern.startAndAwaitSmtp();
        Submit.swaks(postern, "sender@client.test", "someone@capath.test");
        STATUS_LINES.put("postern-" + kind, postern.awaitLog(STATUS, LIMIT));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (mx != null) {
      mx.close();
    }
  }

  private static Optional<String> status(String log) {
    Matcher m = STATUS.matcher(log);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  @Test
  void hashedDirectory_bothTrustTheCaAndSend() {
    assertThat(STATUS_LINES.get("postfix-hashed")).contains("status=sent");
    assertThat(STATUS_LINES.get("postern-hashed")).contains("status=sent")
        .contains("tls=secure");
  }

  @Test
  void plainDirectory_postfixDefersUntrusted_posternReadsEveryFile() {
    assertThat(STATUS_LINES.get("postfix-plain")).contains("tls=!secure, dsn=4.7.5")
        .contains("status=deferred (Server certificate not verified)");
    assertThat(STATUS_LINES.get("postern-plain")).contains("status=sent")
        .contains("tls=secure");
  }
}
