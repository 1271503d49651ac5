package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern's SMTP client against Debian's Postfix 3.7 as the receiving server, at each TLS
 * security level: Postfix listens on loopback ports with STARTTLS and a certificate for {@code
 * mx.peer.test} from the test CA (one port without STARTTLS). Each level has its own transport
 * ({@code -o smtp_tls_security_level=...} in master.cf) or its own next hop in {@code
 * smtp_tls_policy_maps}; the test reads Postern's {@code tls=} field and whether Postfix stored
 * the message (with ESMTPS in its Received header) or Postern deferred it.
 */
class PostfixServerTlsIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final List<String> DOMAINS =
      List.of(
          "none.test", "may.test", "mayplain.test", "encrypt.test", "encryptplain.test",
          "secure.test", "securewrong.test", "verify.test", "verifywrong.test",
          "fingerprint.test", "fingerprintwrong.test");

  @TempDir static Path dir;
  private static PostfixServer postfix;
  private static PosternInstance postern;
  private static int tlsPort;
  private static int plainPort;
  private static int verifyPort;
  private static int wrongPort;
  private static int fingerprintPort;
  private static int wrongFingerprintPort;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.peer.test");
    tlsPort = PosternInstance.freePort();
    plainPort = PosternInstance.freePort();
    verifyPort = PosternInstance.freePort();
    wrongPort = PosternInstance.freePort();
    fingerprintPort = PosternInstance.freePort();
    wrongFingerprintPort = PosternInstance.freePort();
    Map<Integer, Boolean> listeners = new LinkedHashMap<>();
    listeners.put(tlsPort, true);
    listeners.put(plainPort, false);
    listeners.put(verifyPort, true);
    listeners.put(wrongPort, true);
    listeners.put(fingerprintPort, true);
    listeners.put(wrongFingerprintPort, true);
    postfix =
        PostfixServer.start(
            dir, dir.resolve("postfix"), "mx.peer.test", DOMAINS, mx, listeners);

    String fingerprint =
        Commands.ok(
                List.of("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", mx.get(0).toString()),
                null,
                Duration.ofSeconds(30))
            .out()
            .strip()
            .replaceFirst("^.*=", "");
    assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    String wrongFingerprint = fingerprint.substring(0, fingerprint.length() - 2) + (fingerprint.endsWith("00") ? "01" : "00");
    Path policy = dir.resolve("tls_policy");
    Files.writeString(
        policy,
        String.join(
            "\n",
            nexthop(verifyPort) + " verify match=mx.peer.test",
            nexthop(wrongPort) + " verify match=wrong.test",
            nexthop(fingerprintPort) + " fingerprint match=" + fingerprint,
            nexthop(wrongFingerprintPort) + " fingerprint match=" + wrongFingerprint,
            ""));
    Path transport = dir.resolve("transport");
    Files.writeString(
        transport,
        String.join(
            "\n",
            "none.test tnone:" + nexthop(tlsPort),
            "may.test tmay:" + nexthop(tlsPort),
            "mayplain.test tmay:" + nexthop(plainPort),
            "encrypt.test tencrypt:" + nexthop(tlsPort),
            "encryptplain.test tencrypt:" + nexthop(plainPort),
            "secure.test tsecure:" + nexthop(tlsPort),
            "securewrong.test tsecurewrong:" + nexthop(tlsPort),
            "verify.test smtp:" + nexthop(verifyPort),
            "verifywrong.test smtp:" + nexthop(wrongPort),
            "fingerprint.test smtp:" + nexthop(fingerprintPort),
            "fingerprintwrong.test smtp:" + nexthop(wrongFingerprintPort),
            ""));
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "defer_transports =",
                "smtp_log_tls_feature_status = yes",
                "transport_maps = texthash:" + transport,
                "smtp_tls_CAfile = " + pki.caCert(),
                "smtp_tls_policy_maps = texthash:" + policy,
                ""));
    postern.appendMasterCf(
        String.join(
            "\n",
            "tnone unix - - n - - smtp",
            "  -o smtp_tls_security_level=none",
            "tmay unix - - n - - smtp",
            "  -o smtp_tls_security_level=may",
            "tencrypt unix - - n - - smtp",
            "  -o smtp_tls_security_level=encrypt",
            "tsecure unix - - n - - smtp",
            "  -o smtp_tls_security_level=secure",
            "  -o smtp_tls_secure_cert_match=mx.peer.test",
            "tsecurewrong unix - - n - - smtp",
            "  -o smtp_tls_security_level=secure",
            "  -o smtp_tls_secure_cert_match=wrong.test"));
    postern.startAndAwaitSmtp();
  }

  private static String nexthop(int port) {
    return "[127.0.0.1]:" + port;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      if (postfix != null) {
        postfix.stop();
      }
    }
  }

  /**
   * Submits mail for box@{@code domain} (the transport table picks the level by domain) and
   * waits for Postern's status line with {@code status}; returns that line.
   */
  private String deliver(String domain, String status) throws Exception {
    String recipient = "box@" + domain;
    String id = Submit.swaks(postern, "sender@client.test", recipient, "--header", "Subject: level " + domain);
    return postern.awaitLog(
        Pattern.compile("(" + id + ": to=<" + Pattern.quote(recipient) + ">, .*status=" + status + " .*)"), LIMIT);
  }

  private void assertArrivedOverTls(String domain, boolean tls) throws Exception {
    postfix.awaitLog(
        Pattern.compile("to=<box@" + Pattern.quote(domain) + ">, relay=virtual, .*status=sent"), LIMIT);
    String message = postfix.message("Subject: level " + domain);
    assertThat(message).containsPattern("Received: from client\\.test \\(localhost \\[127\\.0\\.0\\.1\\]\\)");
    if (tls) {
      assertThat(message).containsPattern("\\(using TLSv1\\.[23] ").contains("with ESMTPS id");
    } else {
      assertThat(message).doesNotContain("using TLS").contains("with ESMTP id");
    }
  }

  private void assertNothingArrived(String domain) throws Exception {
    assertThat(postfix.messages()).noneMatch(m -> m.contains("Subject: level " + domain));
    assertThat(postfix.log()).doesNotContain("to=<box@" + domain + ">");
  }

  @Test
  void levelNone_plaintextToStarttlsServer_sentTlsNone() throws Exception {
    String line = deliver("none.test", "sent");
    assertThat(line).contains("relay=127.0.0.1[127.0.0.1]:" + tlsPort).contains(", tls=none,");
    assertArrivedOverTls("none.test", false);
  }

  @Test
  void levelMay_starttls_sentTlsMay() throws Exception {
    String line = deliver("may.test", "sent");
    assertThat(line).contains(", tls=may,");
    assertArrivedOverTls("may.test", true);
  }

  @Test
  void levelMay_serverWithoutStarttls_sentInPlaintextTlsMayNone() throws Exception {
    String line = deliver("mayplain.test", "sent");
    assertThat(line).contains("relay=127.0.0.1[127.0.0.1]:" + plainPort).contains(", tls=may:none,");
    assertArrivedOverTls("mayplain.test", false);
  }

  @Test
  void levelEncrypt_starttls_sentTlsEncrypt() throws Exception {
    String line = deliver("encrypt.test", "sent");
    assertThat(line).contains(", tls=encrypt,");
    assertArrivedOverTls("encrypt.test", true);
  }

  @Test
  void levelEncrypt_serverWithoutStarttls_deferredTlsNotEncrypt() throws Exception {
    String line = deliver("encryptplain.test", "deferred");
    assertThat(line).contains(", tls=!encrypt").contains("dsn=4.");
    assertNothingArrived("encryptplain.test");
  }

  @Test
  void levelSecure_matchingName_sentTlsSecure() throws Exception {
    String line = deliver("secure.test", "sent");
    assertThat(line).contains(", tls=secure,");
    assertArrivedOverTls("secure.test", true);
  }

  @Test
  void levelSecure_otherName_deferredTlsNotSecure() throws Exception {
    String line = deliver("securewrong.test", "deferred");
    assertThat(line).contains(", tls=!secure").contains("dsn=4.");
    assertNothingArrived("securewrong.test");
  }

  @Test
  void policyVerify_matchingName_sentTlsVerify() throws Exception {
    String line = deliver("verify.test", "sent");
    assertThat(line).contains("relay=127.0.0.1[127.0.0.1]:" + verifyPort).contains(", tls=verify,");
    assertArrivedOverTls("verify.test", true);
  }

  @Test
  void policyVerify_otherName_deferredTlsNotVerify() throws Exception {
    String line = deliver("verifywrong.test", "deferred");
    assertThat(line).contains(", tls=!verify").contains("dsn=4.");
    assertNothingArrived("verifywrong.test");
  }

  @Test
  void policyFingerprint_sha256OfCertificate_sentTlsFingerprint() throws Exception {
    String line = deliver("fingerprint.test", "sent");
    assertThat(line).contains(", tls=fingerprint,");
    assertArrivedOverTls("fingerprint.test", true);
  }

  @Test
  void policyFingerprint_otherDigest_deferredTlsNotFingerprint() throws Exception {
    String line = deliver("fingerprintwrong.test", "deferred");
    assertThat(line).contains(", tls=!fingerprint").contains("dsn=4.");
    assertNothingArrived("fingerprintwrong.test");
  }
}
