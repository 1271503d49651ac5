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
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.postern.table.Tables;
import org.postern.tls.ServerCertificateCheck;

/**
 * The TLS security levels against a real STARTTLS server (Debian's python3-aiosmtpd) with a
 * certificate from a throw-away CA made by openssl: the tls= status, and deferral without a
 * byte of mail where the level is not met.
 */
class SmtpTlsLevelsIT {
  @TempDir static Path dir;
  private static Peer good;
  private static Peer wrongName;
  private static Peer announcing;
  private static Path caFile;

  private record Peer(Process process, int port, Path cert, LinkedBlockingQueue<String> lines) {}

  @BeforeAll
  static void startServers() throws Exception {
    caFile = dir.resolve("ca.pem");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", "/CN=Postern Test CA", "-keyout",
        dir.resolve("ca.key").toString(), "-out", caFile.toString());
    good = start("mx.test.example", false);
    wrongName = start("other.example", false);
    announcing = start("mx.test.example", true);
  }

  @AfterAll
  static void stopServers() throws Exception {
    for (Peer p : new Peer[] {good, wrongName, announcing}) {
      if (p != null) {
        p.process().getOutputStream().close();
        p.process().destroy();
        p.process().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Peer start(String name, boolean requireTls) throws Exception {
    String file = name + (requireTls ? "-requiretls" : "");
    Path key = dir.resolve(file + ".key");
    Path cert = dir.resolve(file + ".pem");
    Path ext = dir.resolve(file + ".ext");
    Files.writeString(ext, "subjectAltName=DNS:" + name + "\n");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/CN=" + name, "-keyout", key.toString(), "-out",
        dir.resolve(file + ".csr").toString());
    openssl("x509", "-req", "-in", dir.resolve(file + ".csr").toString(), "-CA",
        caFile.toString(), "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial",
        "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path script = dir.resolve("aiosmtpd_tls_server.py");
    try (var in = SmtpTlsLevelsIT.class.getResourceAsStream("aiosmtpd_tls_server.py")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(),
        String.valueOf(port), cert.toString(), key.toString(), requireTls ? "requiretls" : "-")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
    return new Peer(p, port, cert, lines);
  }

  private static void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  private RecipientResult deliver(Peer peer, String policy, Path q) throws Exception {
    return deliver(peer, policy, q, null);
  }

  /** With {@code requireTlsAction} non-null the message asks for REQUIRETLS under that action. */
  private RecipientResult deliver(Peer peer, String policy, Path q, String requireTlsAction)
      throws Exception {
    FakeResolver dns = new FakeResolver();
    dns.mx.put("test.example", List.of(new MxRecord(10, "mx.test.example")));
    dns.hosts.put("mx.test.example", List.of(InetAddress.getByName("127.0.0.1")));
    // REQUIRETLS enforce trusts a verify match on the MX host name only from a signed MX answer.
    dns.authentic = "enforce".equals(requireTlsAction);
    Map<String, String> params = new HashMap<>();
    params.put("myhostname", "client.example");
    params.put("inet_protocols", "ipv4");
    params.put("smtp_tcp_port", String.valueOf(peer.port()));
    params.put("smtp_tls_CAfile", caFile.toString());
    params.put("smtp_tls_policy_maps", "inline:{{test.example = " + policy + "}}");
    peer.lines().clear();
    var request = requireTlsAction == null
        ? TestRequests.simple(q, "test.example", "a@test.example")
        : TestRequests.request(q, "test.example", TestRequests.envelope(
            List.of(org.postern.queue.Recipient.of("a@test.example")), true, false,
            java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty()),
            TestRequests.SIMPLE);
    if (requireTlsAction != null) {
      params.put("smtp_requiretls_policy", requireTlsAction);
    }
    try (SmtpDelivery agent = new SmtpDelivery(
        SmtpSettings.of(MainConfig.of(dir, params), Protocol.SMTP), Tables::open, dns,
        Clock.systemUTC(), new Random(1))) {
      return agent.deliver(request).getFirst();
    }
  }

  private static void assertSent(RecipientResult r, Peer peer, String tls) throws Exception {
    assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT);
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo(tls);
    assertThat(peer.lines().poll(10, TimeUnit.SECONDS)).isEqualTo("DELIVERED a@test.example tls=True requiretls="
        + (tls.endsWith("/requiretls") ? "True" : "False"));
  }

  private static void assertDeferredUnsent(RecipientResult r, Peer peer, String tls)
      throws Exception {
    assertThat(r.status()).as(r.text()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.7.5");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo(tls);
    assertThat(peer.lines().poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void deliver_requireTlsEnforceVerifiedAndAnnounced_sendsRequireTls(@TempDir Path q)
      throws Exception {
    assertSent(deliver(announcing, "verify", q, "enforce"), announcing, "verify/requiretls");
  }

  @Test
  void deliver_requireTlsEnforceNotAnnounced_bouncesWithoutMail(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(good, "verify", q, "enforce");

    assertThat(r.status()).as(r.text()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.7.30");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("verify/!requiretls:none");
    assertThat(good.lines().poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void deliver_requireTlsEnforceWrongName_bounces5710WithoutMail(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(wrongName, "verify", q, "enforce");

    assertThat(r.status()).as(r.text()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.7.10");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!verify/!requiretls:nocertmatch");
    assertThat(wrongName.lines().poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void deliver_requireTlsRelaxedWrongName_defersAsTheLevelSays(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(wrongName, "verify", q, "opportunistic+starttls");

    assertDeferredUnsent(r, wrongName, "!verify/requiretls:nocertmatch");
  }

  @Test
  void deliver_requireTlsOpportunisticStarttlsUnverified_sendsRequireTls(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(announcing, "may", q, "opportunistic+starttls");

    assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT);
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may/requiretls:nocertmatch");
    assertThat(announcing.lines().poll(10, TimeUnit.SECONDS))
        .isEqualTo("DELIVERED a@test.example tls=True requiretls=True");
  }

  @Test
  void deliver_requireTlsOpportunisticNotAnnounced_sendsWithout(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(good, "may", q, "opportunistic");

    assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT);
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may/requiretls:none");
    assertThat(good.lines().poll(10, TimeUnit.SECONDS))
        .isEqualTo("DELIVERED a@test.example tls=True requiretls=False");
  }

  @Test
  void deliver_may_usesStarttls(@TempDir Path q) throws Exception {
    assertSent(deliver(good, "may", q), good, "may");
  }

  @Test
  void deliver_encrypt_acceptsAnyCertificate(@TempDir Path q) throws Exception {
    assertSent(deliver(wrongName, "encrypt", q), wrongName, "encrypt");
  }

  @Test
  void deliver_verifyMatchingName_sends(@TempDir Path q) throws Exception {
    assertSent(deliver(good, "verify", q), good, "verify");
  }

  @Test
  void deliver_verifyWrongName_defersWithoutMail(@TempDir Path q) throws Exception {
    RecipientResult r = deliver(wrongName, "verify", q);
    assertDeferredUnsent(r, wrongName, "!verify");
    assertThat(r.text()).isEqualTo("Server certificate not verified"); // Postfix 3.12: no host or CN here
  }

  @Test
  void deliver_requireTlsEnforceVerifyWrongName_bounces5710WithoutMail(@TempDir Path q)
      throws Exception {
    RecipientResult r = deliver(wrongName, "verify", q, "enforce");

    assertThat(r.status()).as(r.text()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.7.10");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!verify/!requiretls:nocertmatch");
    assertThat(wrongName.lines().poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void deliver_secureDotNexthop_sends(@TempDir Path q) throws Exception {
    assertSent(deliver(good, "secure", q), good, "secure");
  }

  @Test
  void deliver_secureWrongName_defers(@TempDir Path q) throws Exception {
    assertDeferredUnsent(deliver(wrongName, "secure", q), wrongName, "!secure");
  }

  @Test
  void deliver_fingerprintMatch_sendsAndMismatchDefers(@TempDir Path q) throws Exception {
    X509Certificate cert;
    try (var in = Files.newInputStream(good.cert())) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String fp = ServerCertificateCheck.create("", "", "sha256").fingerprint(cert.getEncoded());

    assertSent(deliver(good, "fingerprint match=" + fp, q), good, "fingerprint");
    assertDeferredUnsent(deliver(wrongName, "fingerprint match=" + fp, q), wrongName,
        "!fingerprint");
  }
}
