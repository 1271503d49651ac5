package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.dns.MxRecord;
import org.postern.queue.Recipient;
import org.postern.table.Tables;
import org.postern.tls.TestPki;

/**
 * The SMTP client's protocol, cipher and fingerprint settings against a real STARTTLS server
 * (Debian's python3-aiosmtpd on 127.0.81.2 and, announcing REQUIRETLS, 127.0.81.3) that reports
 * the protocol and cipher each message came over: {@code smtp_tls_protocols} at {@code may},
 * {@code smtp_tls_mandatory_protocols} at {@code encrypt}, exclusions and policy table
 * attributes, the {@code fingerprint} level from main.cf ({@code smtp_tls_fingerprint_cert_match},
 * certificate and public-key digests) with and without REQUIRETLS, and {@code
 * smtp_log_tls_feature_status = no}.
 */
class SmtpTlsParametersIT {
  @TempDir static Path dir;
  private static Peer plain;
  private static Peer announcing;
  private static String certFingerprint;
  private static String keyFingerprint;

  private record Peer(Process process, InetAddress address, int port,
      LinkedBlockingQueue<String> lines) {}

  @BeforeAll
  static void startServers() throws Exception {
    TestPki pki = new TestPki(dir);
    TestPki.Issued ca = pki.rootCa("Postern Test CA");
    TestPki.Issued mx = pki.leaf("mx", ca, "mx.test.example");
    certFingerprint = HexFormat.ofDelimiter(":").withUpperCase()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(mx.certificate().getEncoded()));
    keyFingerprint = HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256")
        .digest(mx.certificate().getPublicKey().getEncoded()));
    plain = start("127.0.81.2", mx, false);
    announcing = start("127.0.81.3", mx, true);
  }

  @AfterAll
  static void stopServers() throws Exception {
    for (Peer p : new Peer[] {plain, announcing}) {
      if (p != null) {
        p.process().getOutputStream().close();
        p.process().destroy();
        p.process().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Peer start(String host, TestPki.Issued cert, boolean requireTls)
      throws Exception {
    InetAddress address = InetAddress.getByName(host);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, address)) {
      port = s.getLocalPort();
    }
    Path script = dir.resolve("aiosmtpd_tls_report_server.py");
    try (var in = SmtpTlsParametersIT.class.getResourceAsStream(
        "aiosmtpd_tls_report_server.py")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), host,
        String.valueOf(port), cert.cert().toString(), cert.key().toString(),
        requireTls ? "requiretls" : "-").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // The server was stopped.
      }
    });
    assertThat(lines.poll(20, TimeUnit.SECONDS)).isEqualTo("READY");
    return new Peer(p, address, port, lines);
  }

  /** Delivers to a@test.example through {@code peer} with {@code params} over the defaults. */
  /** Warnings of the last delivery. */
  private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

  private RecipientResult deliver(Peer peer, Map<String, String> params, Path q,
      boolean requireTls) throws Exception {
    FakeResolver dns = new FakeResolver();
    dns.mx.put("test.example", List.of(new MxRecord(10, "mx.test.example")));
    dns.hosts.put("mx.test.example", List.of(peer.address()));
    Map<String, String> all = new HashMap<>();
    all.put("myhostname", "client.example");
    all.put("inet_protocols", "ipv4");
    all.put("smtp_tcp_port", String.valueOf(peer.port()));
    all.putAll(params);
    peer.lines().clear();
    warnings.clear();
    var request = TestRequests.request(q, "test.example", TestRequests.envelope(
        List.of(Recipient.of("a@test.example")), requireTls, false, Optional.empty(),
        Optional.empty(), Optional.empty()), TestRequests.SIMPLE);
    try (SmtpDelivery agent = new SmtpDelivery(
        SmtpSettings.of(MainConfig.of(dir, all), Protocol.SMTP), Tables::open, dns,
        Clock.systemUTC(), new Random(1), warnings::add)) {
      return agent.deliver(request).getFirst();
    }
  }

  private RecipientResult deliver(Map<String, String> params, Path q) throws Exception {
    return deliver(plain, params, q, false);
  }

  /** The server's line for the message: {@code protocol=... cipher=... requiretls=...}. */
  private static String received(RecipientResult r, Peer peer) throws InterruptedException {
    assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT);
    String line = peer.lines().poll(10, TimeUnit.SECONDS);
    assertThat(line).startsWith("DELIVERED a@test.example ");
    return line;
  }

  @Test
  void may_protocolsAtMostTls12_negotiatesTls12(@TempDir Path q) throws Exception {
    String line = received(deliver(Map.of("smtp_tls_security_level", "may",
        "smtp_tls_protocols", "<=TLSv1.2"), q), plain);

    assertThat(line).contains("protocol=TLSv1.2");
  }

  @Test
  void may_defaults_negotiateTls13(@TempDir Path q) throws Exception {
    assertThat(received(deliver(Map.of("smtp_tls_security_level", "may"), q), plain))
        .contains("protocol=TLSv1.3");
  }

  @Test
  void encrypt_usesMandatoryProtocolsNotOpportunistic(@TempDir Path q) throws Exception {
    String mandatory = received(deliver(Map.of("smtp_tls_security_level", "encrypt",
        "smtp_tls_mandatory_protocols", "!TLSv1.3"), q), plain);
    String opportunistic = received(deliver(Map.of("smtp_tls_security_level", "encrypt",
        "smtp_tls_protocols", "!TLSv1.3"), q), plain);

    assertThat(mandatory).contains("protocol=TLSv1.2");
    assertThat(opportunistic).contains("protocol=TLSv1.3");
  }

  @Test
  void may_excludedCiphers_notNegotiated(@TempDir Path q) throws Exception {
    String line = received(deliver(Map.of("smtp_tls_security_level", "may",
        "smtp_tls_protocols", "<=TLSv1.2", "smtp_tls_exclude_ciphers", "AESGCM"), q), plain);

    assertThat(line).contains("protocol=TLSv1.2").contains("cipher=ECDHE-ECDSA-CHACHA20-POLY1305");
  }

  @Test
  void policyTableAttributes_replaceMainCf(@TempDir Path q) throws Exception {
    String line = received(deliver(Map.of("smtp_tls_policy_maps",
        "inline:{{test.example = encrypt protocols=!TLSv1.3 ciphers=high"
            + " exclude=AESGCM:CHACHA20:AES128}}"), q), plain);

    assertThat(line).contains("protocol=TLSv1.2").contains("cipher=ECDHE-ECDSA-AES256-SHA");
  }

  @Test
  void fingerprintLevelFromMainCf_certificateDigest_sent(@TempDir Path q) throws Exception {
    RecipientResult r = deliver(Map.of("smtp_tls_security_level", "fingerprint",
        "smtp_tls_fingerprint_cert_match", "00:11, " + certFingerprint), q);

    received(r, plain);
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("fingerprint");
  }

  @Test
  void fingerprintLevelFromMainCf_publicKeyDigestLowerCase_sent(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(Map.of("smtp_tls_security_level", "fingerprint",
        "smtp_tls_fingerprint_cert_match", keyFingerprint), q);

    received(r, plain);
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("fingerprint");
  }

  @Test
  void fingerprintLevel_noFingerprints_defersAsConfigurationProblem(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(Map.of("smtp_tls_security_level", "fingerprint"), q);

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.7.5");
    assertThat(r.text()).isEqualTo("client TLS configuration problem");
    assertThat(warnings).contains("nexthop domain test.example: configured at fingerprint"
        + " security level, but with no fingerprints to match.");
    assertThat(plain.lines().poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void fingerprintLevel_malformedValueSkippedWithWarning(@TempDir Path q) throws Exception {
    RecipientResult r = deliver(Map.of("smtp_tls_security_level", "fingerprint",
        "smtp_tls_fingerprint_cert_match", "XY:ZZ " + certFingerprint), q);

    received(r, plain);
    assertThat(warnings).contains("malformed fingerprint value: XY:ZZ");
  }

  @Test
  void policyTableAttributeJavaCannotUse_defersWithWarning(@TempDir Path q) throws Exception {
    RecipientResult r = deliver(Map.of("smtp_tls_policy_maps",
        "inline:{{test.example = encrypt protocols=TLSv1}}"), q);

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.text()).isEqualTo("client TLS configuration problem");
    assertThat(warnings).anyMatch(w -> w.contains("protocols = TLSv1: no TLS protocol version"));
    assertThat(plain.lines().poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void requireTlsEnforce_matchingMainCfFingerprint_sentWithRequireTls(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(announcing, Map.of("smtp_tls_security_level", "fingerprint",
        "smtp_tls_fingerprint_cert_match", certFingerprint, "smtp_requiretls_policy", "enforce"),
        q, true);

    assertThat(received(r, announcing)).endsWith("requiretls=True");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("fingerprint/requiretls");
  }

  @Test
  void requireTlsEnforce_wrongMainCfFingerprint_bounces5710WithoutMail(@TempDir Path q)
      throws Exception {
    String wrong = certFingerprint.substring(0, certFingerprint.length() - 2)
        + (certFingerprint.endsWith("00") ? "01" : "00");
    RecipientResult r = deliver(announcing, Map.of("smtp_tls_security_level", "fingerprint",
        "smtp_tls_fingerprint_cert_match", wrong, "smtp_requiretls_policy", "enforce"), q, true);

    assertThat(r.status()).as(r.text()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.7.10");
    assertThat(r.tlsStatus().orElseThrow().format())
        .isEqualTo("!fingerprint/!requiretls:nocertmatch");
    assertThat(announcing.lines().poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void logTlsFeatureStatusNo_resultsCarryNoTlsField(@TempDir Path q) throws Exception {
    RecipientResult off = deliver(Map.of("smtp_log_tls_feature_status", "no"), q);
    received(off, plain);
    RecipientResult on = deliver(Map.of(), q);
    received(on, plain);

    assertThat(off.tlsStatus()).isEmpty();
    assertThat(on.tlsStatus().orElseThrow().format()).isEqualTo("may");
  }
}
