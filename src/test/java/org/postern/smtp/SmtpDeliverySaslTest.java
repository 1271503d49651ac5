package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.table.Tables;

/**
 * The SMTP client's AUTH against a scripted server: which mechanism it picks under the security
 * options, what goes on the wire, and Postfix's texts for each failure.
 */
class SmtpDeliverySaslTest {
  @TempDir Path tmp;
  private ScriptedSmtpServer server;
  private final Map<String, String> params = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();
  private final FakeResolver dns = new FakeResolver();
  private String nexthop;

  @BeforeEach
  void start() throws Exception {
    server = ScriptedSmtpServer.tcp();
    nexthop = "[127.0.0.1]:" + server.port();
    params.put("myhostname", "client.example");
    params.put("inet_protocols", "ipv4");
    params.put("smtp_tls_security_level", "none");
    params.put("smtp_sasl_auth_enable", "yes");
    passwords(nexthop + " alice:s3cr:et");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private void passwords(String... lines) throws Exception {
    Path table = tmp.resolve("sasl_passwd");
    Files.write(table, List.of(lines));
    params.put("smtp_sasl_password_maps", "texthash:" + table);
  }

  private List<RecipientResult> deliver(String sender) throws Exception {
    MainConfig config = MainConfig.of(tmp, params);
    try (SmtpDelivery agent = new SmtpDelivery(SmtpSettings.of(config, Protocol.SMTP),
        Tables::open, dns, Clock.systemUTC(), new Random(1), warnings::add)) {
      return agent.deliver(TestRequests.request(tmp.resolve("q"), nexthop,
          org.postern.queue.Envelope.of(sender,
              List.of(org.postern.queue.Recipient.of("bob@remote.example"))),
          TestRequests.SIMPLE));
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void plainAllowed_sendsCredentialsOnTheAuthLineThenMail() throws Exception {
    server.keywords = List.of("PIPELINING", "AUTH PLAIN LOGIN");
    server.on("AUTH", "235 2.7.0 Authentication successful");
    params.put("smtp_sasl_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    // The password keeps the delimiter after the first one.
    assertThat(server.commands()).containsSubsequence("EHLO client.example",
        "AUTH PLAIN " + b64("\0alice\0s3cr:et"), "MAIL FROM:<a@client.example>");
  }

  @Test
  void mxDestination_hostEntryBeforeDomainEntry() throws Exception {
    dns.mx.put("example.com", List.of(new org.postern.dns.MxRecord(10, "mx1.example.com")));
    dns.hosts.put("mx1.example.com", List.of(java.net.InetAddress.getByName("127.0.0.1")));
    params.put("smtp_tcp_port", String.valueOf(server.port()));
    params.put("smtp_sasl_security_options", "noanonymous");
    server.keywords = List.of("AUTH PLAIN");
    server.on("AUTH", "235 2.7.0 Ok", "235 2.7.0 Ok");
    nexthop = "example.com";

    passwords("mx1.example.com host:pw", "example.com domain:pw");
    deliver("a@client.example");
    passwords("example.com domain:pw");
    deliver("a@client.example");

    assertThat(server.commands()).filteredOn(c -> c.startsWith("AUTH")).containsExactly(
        "AUTH PLAIN " + b64("\0host\0pw"), "AUTH PLAIN " + b64("\0domain\0pw"));
  }

  @Test
  void defaultOptions_plaintextMechanismsOnly_noCredentialsSentAndDeferred() throws Exception {
    server.keywords = List.of("PIPELINING", "AUTH PLAIN LOGIN");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.7.0");
      assertThat(r.text()).isEqualTo("SASL authentication failed; cannot authenticate to server "
          + "127.0.0.1[127.0.0.1]: no mechanism available");
    });
    assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH") || c.startsWith("MAIL"));
    assertThat(warnings).containsExactly("SASL authentication failure: No worthy mechs found");
  }

  @Test
  void noKnownMechanism_noMechanismAvailable() throws Exception {
    server.keywords = List.of("AUTH XOAUTH2");
    params.put("smtp_sasl_security_options", "");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> assertThat(r.text())
        .endsWith("cannot authenticate to server 127.0.0.1[127.0.0.1]: no mechanism available"));
  }

  @Test
  void nullAuthList_warnsAndDefers() throws Exception {
    server.keywords = List.of("AUTH");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> assertThat(r.text())
        .contains("offered no compatible authentication mechanisms"));
    assertThat(warnings).containsExactly(
        "127.0.0.1[127.0.0.1]:" + server.port() + " offered null AUTH mechanism list");
  }

  @Test
  void wrongPassword_softBounce_deferredWithTheServersReply() throws Exception {
    server.keywords = List.of("AUTH LOGIN");
    server.on("AUTH LOGIN", "334 VXNlcm5hbWU6");
    server.on(b64("alice"), "334 UGFzc3dvcmQ6");
    server.on(b64("s3cr:et"), "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6");
    params.put("smtp_sasl_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.7.8");
      assertThat(r.text()).isEqualTo("SASL authentication failed; server 127.0.0.1[127.0.0.1]"
          + " said: 535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6");
    });
    assertThat(server.commands()).containsSubsequence("AUTH LOGIN", b64("alice"), b64("s3cr:et"))
        .noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void hostileChallenges_notBase64OrEndless_badProtocol() throws Exception {
    server.keywords = List.of("AUTH LOGIN");
    server.on("AUTH LOGIN", "334 not*base64", "334 VXNlcm5hbWU6");
    server.on(b64("alice"), "334 UGFzc3dvcmQ6");
    server.on(b64("s3cr:et"), "334 UGFzc3dvcmQ6");
    params.put("smtp_sasl_security_options", "noanonymous");

    for (int i = 0; i < 2; i++) {
      assertThat(deliver("a@client.example")).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(Status.DEFERRED);
        assertThat(r.dsn()).isEqualTo("4.7.0");
        assertThat(r.text()).isEqualTo("SASL authentication failed; cannot authenticate to"
            + " server 127.0.0.1[127.0.0.1]: bad protocol / cancel");
      });
    }
  }

  @Test
  void longCredentials_initialResponseAfterEmptyChallenge() throws Exception {
    String user = "u".repeat(400);
    passwords(nexthop + " " + user + ":pw");
    server.keywords = List.of("AUTH PLAIN");
    server.on("AUTH PLAIN", "334 ");
    server.on(b64("\0" + user + "\0pw"), "235 2.7.0 Ok");
    params.put("smtp_sasl_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    assertThat(server.commands()).containsSubsequence("AUTH PLAIN", b64("\0" + user + "\0pw"));
  }

  @Test
  void longCredentials_nonEmptyFirstChallenge_neverLogsTheHeldBackPassword() throws Exception {
    String user = "u".repeat(400);
    passwords(nexthop + " " + user + ":pw");
    server.keywords = List.of("AUTH PLAIN");
    server.on("AUTH PLAIN", "334 Y2hhbGxlbmdl");
    params.put("smtp_sasl_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> {
      assertThat(r.dsn()).isEqualTo("4.7.0");
      assertThat(r.text()).isEqualTo("SASL authentication failed; non-empty initial PLAIN"
          + " challenge from server 127.0.0.1[127.0.0.1]: Y2hhbGxlbmdl");
    });
    assertThat(server.commands()).noneMatch(c -> c.contains(b64("\0" + user + "\0pw")));
  }

  @Test
  void wrongPassword_noSoftBounce_bounced() throws Exception {
    server.keywords = List.of("AUTH PLAIN");
    server.on("AUTH", "535 5.7.8 Error: authentication failed");
    params.put("smtp_sasl_security_options", "");
    params.put("smtp_sasl_auth_soft_bounce", "no");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.8");
    });
  }

  @Test
  void cramMd5_defaultOptionsAllowIt_answersTheRfc2195Example() throws Exception {
    passwords(nexthop + " tim:tanstaaftanstaaf");
    server.keywords = List.of("AUTH PLAIN CRAM-MD5 LOGIN");
    server.on("AUTH CRAM-MD5", "334 " + b64("<1896.697170952@postoffice.reston.mci.net>"));
    server.on(b64("tim b913a602c7eda7a495b4e6e7334d3890"), "235 2.7.0 Ok");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
  }

  @Test
  void mechanismFilter_keepsOnlyLogin() throws Exception {
    server.keywords = List.of("AUTH PLAIN LOGIN");
    server.on("AUTH LOGIN", "334 VXNlcm5hbWU6");
    server.on(b64("alice"), "334 UGFzc3dvcmQ6");
    server.on(b64("s3cr:et"), "235 2.7.0 Ok");
    params.put("smtp_sasl_security_options", "noanonymous");
    params.put("smtp_sasl_mechanism_filter", "login");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
  }

  @Test
  void mechanismFilter_nothingLeft_warnsAndDefers() throws Exception {
    server.keywords = List.of("AUTH PLAIN LOGIN");
    params.put("smtp_sasl_mechanism_filter", "cram-md5");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.text()).isEqualTo("SASL authentication failed: server 127.0.0.1[127.0.0.1]"
          + " offered no compatible authentication mechanisms for this type of connection"
          + " security");
    });
    assertThat(warnings).contains("127.0.0.1[127.0.0.1]:" + server.port()
        + " offered no supported AUTH mechanisms: 'PLAIN LOGIN'");
  }

  @Test
  void noEntryForTheServer_talksAsAStranger() throws Exception {
    passwords("[elsewhere.example] alice:secret");
    server.keywords = List.of("AUTH PLAIN");
    params.put("smtp_send_dummy_mail_auth", "yes");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH"))
        .contains("MAIL FROM:<a@client.example>");
  }

  @Test
  void senderDependent_senderEntryFirstThenDomain_andDummyMailAuth() throws Exception {
    passwords(nexthop + " alice:secret", "carol@client.example carol:pw1",
        "@other.example other:pw2");
    server.keywords = List.of("AUTH PLAIN");
    server.on("AUTH", "235 2.7.0 Ok", "235 2.7.0 Ok");
    params.put("smtp_sasl_security_options", "noanonymous");
    params.put("smtp_sender_dependent_authentication", "yes");
    params.put("smtp_send_dummy_mail_auth", "yes");

    deliver("carol@client.example");
    deliver("dave@other.example");

    assertThat(server.commands()).containsSubsequence(
        "AUTH PLAIN " + b64("\0carol\0pw1"), "MAIL FROM:<carol@client.example> AUTH=<>",
        "AUTH PLAIN " + b64("\0other\0pw2"), "MAIL FROM:<dave@other.example> AUTH=<>");
  }

  @Test
  void mayLevel_handshakeFails_withCredentials_noPlaintextRetry() throws Exception {
    server.keywords = List.of("STARTTLS", "AUTH PLAIN");
    params.put("smtp_tls_security_level", "may");
    params.put("smtp_sasl_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.text()).startsWith("Cannot start TLS: handshake failure");
    });
    assertThat(server.sessions).isEqualTo(1);
    assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH"));
  }

  @Test
  void mayLevel_handshakeFails_withoutCredentials_retriesInPlaintext() throws Exception {
    passwords("[elsewhere.example] alice:secret");
    server.keywords = List.of("STARTTLS", "AUTH PLAIN");
    params.put("smtp_tls_security_level", "may");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    assertThat(server.sessions).isEqualTo(2);
  }

  /** STARTTLS with a self-made certificate; returns its SHA-256 fingerprint. */
  private String tlsServer() throws Exception {
    org.postern.tls.TestPki pki =
        new org.postern.tls.TestPki(Files.createDirectories(tmp.resolve("pki")));
    var root = pki.rootCa("root");
    var leaf = pki.leaf("mx", root, "mx.example.com");
    server.tls = org.postern.tls.ServerTlsContexts.create(org.postern.tls.PemKeyMaterial.load(
        pki.chainFile("mx", leaf, root), leaf.key()));
    server.keywords = List.of("STARTTLS", "AUTH PLAIN LOGIN");
    server.on("AUTH", "235 2.7.0 Ok");
    return java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getEncoded()));
  }

  @Test
  void tlsSession_tlsSecurityOptionsApply_authOnlyAfterStarttls() throws Exception {
    tlsServer();
    params.put("smtp_tls_security_level", "encrypt");
    params.put("smtp_sasl_tls_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    assertThat(server.commands()).containsSubsequence("EHLO client.example", "STARTTLS",
        "EHLO client.example", "AUTH PLAIN " + b64("\0alice\0s3cr:et"));
    assertThat(server.commands().subList(0, server.commands().indexOf("STARTTLS")))
        .noneMatch(c -> c.startsWith("AUTH"));
  }

  @Test
  void tlsSessionWithoutCertificateMatch_verifiedOptionsDoNotApply() throws Exception {
    tlsServer();
    params.put("smtp_tls_security_level", "encrypt");
    params.put("smtp_sasl_tls_verified_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement().satisfies(r -> assertThat(r.text())
        .endsWith("no mechanism available"));
  }

  @Test
  void matchedCertificate_verifiedOptionsApply() throws Exception {
    String fingerprint = tlsServer();
    params.put("smtp_tls_security_level", "fingerprint");
    params.put("smtp_tls_fingerprint_digest", "sha256");
    params.put("smtp_tls_fingerprint_cert_match", fingerprint);
    params.put("smtp_sasl_tls_verified_security_options", "noanonymous");

    assertThat(deliver("a@client.example")).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    assertThat(server.commands()).contains("AUTH PLAIN " + b64("\0alice\0s3cr:et"));
  }

  @Test
  void enabledWithoutPasswordMaps_refusedAtStartUp() {
    params.put("smtp_sasl_password_maps", "");

    assertThatThrownBy(() -> SmtpSettings.of(MainConfig.of(tmp, params), Protocol.SMTP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("specify a password table via the `smtp_sasl_password_maps' configuration"
            + " parameter");
  }
}
