package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 8689 against a man in the middle: Postern sends REQUIRETLS messages to destinations whose
 * first MX host is a {@link MitmProxy} in front of the genuine server (aiosmtpd with STARTTLS and
 * REQUIRETLS, certificate from the test CA in {@code smtp_tls_CAfile}), or whose only MX host is
 * the proxy. MX records come from a validating unbound (the signed {@code test.} zone of {@link
 * DnssecWorld#signedTest}: RFC 8689 asks {@code enforce} for a secure MX lookup), hosts listen on 127.0.63.x:25.
 *
 * <p>The proxies: one removes STARTTLS from the EHLO reply; three answer STARTTLS themselves and
 * remove REQUIRETLS after TLS, holding a certificate for the right name from a CA the client does
 * not trust, a self-signed one, and one mis-issued by the trusted CA.
 *
 * <p>Each message carries a unique marker in its recipient and body. Under {@code enforce}
 * ({@code .enforce.test}, TLS level {@code verify}) the marker never reaches a proxy, neither in
 * cleartext nor inside the proxy's TLS; under {@code opportunistic+starttls} ({@code
 * .relaxed.test}, level {@code may}; {@code .verified.test}, level {@code verify}) never in
 * cleartext. The message then goes on to the genuine
 * second MX (which records REQUIRETLS on MAIL FROM) or, with the proxy alone, returns to the
 * sender with 5.7.30 or 5.7.10. The contrast: under {@code opportunistic} ({@code .opp.test}) the
 * STARTTLS stripper does read the message in plaintext, as that action permits.
 */
class RequireTlsAttackIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String SENDER = "root@client.test";
  private static final String GENUINE = "127.0.63.20";

  @TempDir static Path dir;
  private static DnssecWorld unbound;
  private static AiosmtpdPeer genuine;
  private static MitmProxy strip;
  private static MitmProxy untrusted;
  private static MitmProxy selfSigned;
  private static MitmProxy misissued;
  private static PosternInstance postern;
  private static Path caFile;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    caFile = pki.caCert();
    List<Path> genuineCert = pki.server("mx.genuine.test");
    List<Path> clientCert = pki.server("client.test");
    List<Path> misissuedCert = pki.server("mx.misissued.test");
    List<Path> untrustedCert = TestPki.create(dir.resolve("evil-pki")).server("mx.untrusted.test");
    List<Path> selfSignedCert = selfSigned("mx.selfsigned.test");
    unbound = DnssecWorld.signedTest(dir.resolve("dns"), zone());
    genuine =
        AiosmtpdPeer.start(
            dir, GENUINE, 25, "--tls", genuineCert.get(0).toString(), genuineCert.get(1).toString(),
            "--requiretls");
    InetSocketAddress real = new InetSocketAddress(GENUINE, 25);
    strip = MitmProxy.stripStarttls("127.0.63.11", 25, real);
    untrusted = MitmProxy.stripRequireTls("127.0.63.12", 25, real, untrustedCert.get(0), untrustedCert.get(1));
    selfSigned = MitmProxy.stripRequireTls("127.0.63.13", 25, real, selfSignedCert.get(0), selfSignedCert.get(1));
    misissued = MitmProxy.stripRequireTls("127.0.63.14", 25, real, misissuedCert.get(0), misissuedCert.get(1));
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "local_recipient_maps =",
                "defer_transports =",
                "postern_dns_resolver_address = " + unbound.address(),
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + clientCert.get(0),
                "smtpd_tls_key_file = " + clientCert.get(1),
                "smtp_tls_security_level = may",
                "smtp_tls_CAfile = " + caFile,
                "smtp_tls_policy_maps = inline:{ {.enforce.test = verify} {.verified.test = verify} }",
                "smtp_requiretls_policy = inline:{ {.enforce.test = enforce}"
                    + " {.relaxed.test = opportunistic+starttls} {.verified.test = opportunistic+starttls}"
                    + " {.opp.test = opportunistic} } enforce",
                ""));
    postern.startAndAwaitSmtp();
  }

  /** MX records: NAME-fall.ACTION.test has the proxy first and the genuine server second. */
  private static List<String> zone() {
    List<String> records =
        new java.util.ArrayList<>(
            List.of(
                "mx.genuine.test. 300 IN A " + GENUINE,
                "mx.strip.test. 300 IN A 127.0.63.11",
                "mx.untrusted.test. 300 IN A 127.0.63.12",
                "mx.selfsigned.test. 300 IN A 127.0.63.13",
                "mx.misissued.test. 300 IN A 127.0.63.14"));
    for (String action : List.of("enforce", "relaxed", "verified", "opp")) {
      for (String proxy : List.of("strip", "untrusted", "selfsigned", "misissued")) {
        String fall = proxy + "-fall." + action + ".test.";
        String only = proxy + "-only." + action + ".test.";
        records.add(fall + " 300 IN MX 10 mx." + proxy + ".test.");
        records.add(fall + " 300 IN MX 20 mx.genuine.test.");
        records.add(only + " 300 IN MX 10 mx." + proxy + ".test.");
      }
    }
    return records;
  }

  private static List<Path> selfSigned(String name) throws Exception {
    Path key = dir.resolve(name + ".self.key");
    Path cert = dir.resolve(name + ".self.pem");
    Commands.ok(
        List.of(
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name,
            "-keyout", key.toString(), "-out", cert.toString()),
        null,
        LIMIT);
    return List.of(cert, key);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {strip, untrusted, selfSigned, misissued, genuine, unbound}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /** One REQUIRETLS message with a fresh marker in its recipient and body. */
  private record Sent(String id, String marker, String recipient, String subject) {}

  private static Sent send(String domain) throws Exception {
    String marker = "marker-" + UUID.randomUUID().toString().replace("-", "");
    String recipient = marker + "@" + domain;
    String subject = "attack on " + domain;
    String id =
        Submit.requireTls(postern, caFile, SENDER, recipient, subject, "BODY-LINE " + marker + " secret");
    return new Sent(id, marker, recipient, subject);
  }

  /** The delivery status line for the message: sent, bounced or deferred. */
  private static String outcome(Sent s) throws InterruptedException {
    return postern.awaitLog(
        Pattern.compile(
            "(" + s.id() + ": to=<" + Pattern.quote(s.recipient()) + ">, .*status=(?:sent|bounced|deferred).*)"),
        LIMIT);
  }

  private static AiosmtpdPeer.Message atGenuine(Sent s) throws InterruptedException {
    AiosmtpdPeer.Message[] found = new AiosmtpdPeer.Message[1];
    boolean seen =
        Commands.await(
            LIMIT,
            () -> {
              for (AiosmtpdPeer.Message m : genuine.messages()) {
                if (m.text().contains(s.marker())) {
                  found[0] = m;
                }
              }
              return found[0] != null;
            });
    assertThat(seen).as("message " + s.marker() + " at the genuine server").isTrue();
    return found[0];
  }

  private static void assertNeverInCleartext(MitmProxy proxy, Sent s) {
    assertThat(proxy.cleartext()).as("what the client sent the proxy in cleartext").doesNotContain(s.marker());
  }

  private static void assertNeverDecrypted(MitmProxy proxy, Sent s) {
    assertNeverInCleartext(proxy, s);
    assertThat(proxy.decrypted()).as("what the proxy decrypted").doesNotContain(s.marker());
  }

  /** Delivered by the genuine second MX with REQUIRETLS on MAIL FROM. */
  private static void assertFellThrough(Sent s, String line, String tls) throws InterruptedException {
    assertThat(line)
        .contains("relay=mx.genuine.test[" + GENUINE + "]:25")
        .contains(", tls=" + tls + ", ")
        .contains("status=sent");
    AiosmtpdPeer.Message m = atGenuine(s);
    assertThat(m.tls()).isTrue();
    assertThat(m.requireTls()).as("REQUIRETLS on MAIL FROM at the genuine server").isTrue();
  }

  /**
   * A message for {@code domain} (the proxy first, the genuine server second): the proxy is tried,
   * learns nothing of the message, and the genuine server delivers it with REQUIRETLS.
   */
  private static void assertFallsThrough(MitmProxy proxy, String domain, String tls) throws Exception {
    int before = proxy.connections();

    Sent s = send(domain);

    assertFellThrough(s, outcome(s), tls);
    assertThat(proxy.connections()).as("the proxy was tried first").isGreaterThan(before);
    assertNeverDecrypted(proxy, s);
  }

  /** A message for {@code domain} (the proxy alone): bounced, and the proxy learns nothing. */
  private static void assertBouncesUnread(MitmProxy proxy, String domain, String status, String tls)
      throws Exception {
    Sent s = send(domain);

    assertBounced(s, outcome(s), status, tls);
    assertNeverDecrypted(proxy, s);
  }

  /** Bounced with {@code status}; the notification (headers only) reached the sender's Maildir. */
  private static void assertBounced(Sent s, String line, String status, String tls) throws Exception {
    assertThat(line).contains(", tls=" + tls + ", ").contains("dsn=" + status + ", status=bounced");
    String notification =
        postern.awaitLog(Pattern.compile(s.id() + ": sender non-delivery notification: ([0-9A-Za-z]+)"), LIMIT);
    Path[] file = new Path[1];
    boolean delivered =
        Commands.await(
            LIMIT,
            () -> {
              for (Path p : postern.maildirMessages("root")) {
                if (p.getFileName().toString().contains("P" + notification + "_")) {
                  file[0] = p;
                }
              }
              return file[0] != null;
            });
    assertThat(delivered).as("notification " + notification + " in root's Maildir").isTrue();
    Dsn dsn = Dsn.parse(file[0]).assertReport("failed", status, s.recipient());
    assertThat(dsn.one("returned.headers")).contains("Subject: " + s.subject());
    assertThat(Files.readString(file[0])).doesNotContain("BODY-LINE");
  }

  /** Proxy, destination (the proxy first, the genuine server second), tls= of the delivery. */
  @ParameterizedTest(name = "{1} via {0}: {2}")
  @CsvSource({
    "strip, strip-fall.enforce.test, verify/requiretls",
    "untrusted, untrusted-fall.enforce.test, verify/requiretls",
    "strip, strip-fall.relaxed.test, may/requiretls:nocertmatch",
    "untrusted, untrusted-fall.verified.test, verify/requiretls",
  })
  void proxyFirst_attackFails_genuineMxDeliversWithRequireTls(String proxy, String domain, String tls)
      throws Exception {
    assertFallsThrough(proxy(proxy), domain, tls);
  }

  /** Proxy, destination (the proxy alone), the bounce's status and tls=. */
  @ParameterizedTest(name = "{1} via {0}: {2} {3}")
  @CsvSource({
    "strip, strip-only.enforce.test, 5.7.30, !verify/!requiretls:nostarttls",
    "untrusted, untrusted-only.enforce.test, 5.7.10, !verify/!requiretls:nocertmatch",
    "selfSigned, selfsigned-only.enforce.test, 5.7.10, !verify/!requiretls:nocertmatch",
    "strip, strip-only.relaxed.test, 5.7.30, may?/!requiretls:nostarttls",
  })
  void proxyOnly_attackFails_bouncedToSender(String proxy, String domain, String status, String tls)
      throws Exception {
    assertBouncesUnread(proxy(proxy), domain, status, tls);
  }

  private static MitmProxy proxy(String name) {
    return switch (name) {
      case "strip" -> strip;
      case "untrusted" -> untrusted;
      case "selfSigned" -> selfSigned;
      case "misissued" -> misissued;
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Test
  void enforce_misissuedCertificateStripsRequireTls_bounces5730() throws Exception {
    assertBouncesUnread(misissued, "misissued-only.enforce.test", "5.7.30", "verify/!requiretls:none");
    assertThat(misissued.decrypted()).as("the client got as far as EHLO inside TLS").contains("EHLO client.test");
  }

  @Test
  void relaxed_requireTlsStrippedInsideTls_sentEncryptedWithoutRequireTls() throws Exception {
    Sent s = send("untrusted-only.relaxed.test");

    String line = outcome(s);

    // opportunistic+starttls asks only for TLS: the proxy's TLS session satisfies it, and the
    // missing REQUIRETLS keyword is permitted (requiretls:none). Never plaintext, though.
    assertThat(line)
        .contains("relay=mx.untrusted.test[127.0.63.12]:25")
        .contains(", tls=may/requiretls:none, ")
        .contains("status=sent");
    assertNeverInCleartext(untrusted, s);
    assertThat(untrusted.decrypted()).contains("BODY-LINE " + s.marker());
    assertThat(atGenuine(s).requireTls()).as("REQUIRETLS after the proxy stripped it").isFalse();
  }

  @Test
  void relaxedAtVerify_untrustedCaOnlyMx_defersAsTheLevelSays() throws Exception {
    Sent s = send("untrusted-only.verified.test");

    // The certificate mismatch is the TLS level's failure (4.7.5, retried later); the relaxed
    // action logs it as permitted for REQUIRETLS.
    assertThat(outcome(s))
        .contains("relay=mx.untrusted.test[127.0.63.12]:25")
        .contains(", tls=!verify/requiretls:nocertmatch, ")
        .contains("dsn=4.7.5, status=deferred");
    assertNeverDecrypted(untrusted, s);
  }

  @Test
  void opportunistic_starttlsStripped_proxyReadsThePlaintextMessage() throws Exception {
    Sent s = send("strip-only.opp.test");

    String line = outcome(s);

    assertThat(line)
        .contains("relay=mx.strip.test[127.0.63.11]:25")
        .contains(", tls=may:none/requiretls:none, ")
        .contains("status=sent");
    assertThat(strip.cleartext()).contains("BODY-LINE " + s.marker());
    AiosmtpdPeer.Message m = atGenuine(s);
    assertThat(m.tls()).isFalse();
    assertThat(m.requireTls()).isFalse();
  }
}
