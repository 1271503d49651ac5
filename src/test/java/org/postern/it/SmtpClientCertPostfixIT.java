package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern's SMTP client presents {@code smtp_tls_cert_file} to a Postfix 3.12 relay that asks for
 * client certificates and relays only for the one whose public-key fingerprint is in its {@code
 * relay_clientcerts} ({@code permit_tls_clientcerts}). Without the certificate the relay refuses,
 * with it the message is queued there, and Postfix's Received header names the certificate as
 * verified. Postfix listens on 127.0.95.30.
 */
class SmtpClientCertPostfixIT {
  private static final String POSTFIX_ADDRESS = "127.0.95.30";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Postfix312Instance postfix;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (postfix != null) {
      postfix.close();
    }
  }

  private static String pubkeyFingerprint(Path cert) throws Exception {
    PosternInstance.Result r = Commands.run(List.of("sh", "-c", "openssl x509 -in '" + cert
        + "' -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -c"),
        null, LIMIT);
    assertThat(r.status()).as(r.err()).isZero();
    return r.out().strip().replaceFirst("^.*= *", "").toUpperCase();
  }

  /** Postfix relaying for the client certificate, Postern relaying to it; both started. */
  private void start(String posternTls) throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> server = pki.server("peer.test");
    List<Path> client = pki.client("postern-client.test");
    Path relay = Files.createDirectories(dir.resolve("maps")).resolve("relay");
    Files.writeString(relay, pubkeyFingerprint(client.get(0)) + " postern\n");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(POSTFIX_ADDRESS))) {
      port = s.getLocalPort();
    }
    postfix = Postfix312Instance.start(dir, dir.resolve("postfix"), POSTFIX_ADDRESS, port,
        String.join("\n",
            "myhostname = peer.test",
            "mydestination = peer.test",
            "mynetworks = 192.0.2.0/24",
            "smtpd_tls_security_level = may",
            "smtpd_tls_cert_file = " + server.get(0),
            "smtpd_tls_key_file = " + server.get(1),
            "smtpd_tls_CAfile = " + pki.caCert(),
            "smtpd_tls_ask_ccert = yes",
            "smtpd_tls_loglevel = 1",
            "smtpd_tls_received_header = yes",
            "relay_clientcerts = texthash:" + relay,
            "smtpd_relay_restrictions = permit_tls_clientcerts, reject_unauth_destination"));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.test",
        "mydestination = mx.test",
        "defer_transports =",
        "relayhost = [" + POSTFIX_ADDRESS + "]:" + port,
        "smtp_tls_security_level = encrypt",
        posternTls.replace("CERT", client.get(0).toString()).replace("KEY", client.get(1).toString()),
        ""));
    postern.startAndAwaitSmtp();
  }

  private int queued() {
    try {
      return postfix.queueIds("incoming").size();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Test
  void certFileAndKeyFile_presentedAndVerifiedByPostfixRelay() throws Exception {
    start("smtp_tls_cert_file = CERT\nsmtp_tls_key_file = KEY");
    Submit.swaks(postern, "a@mx.test", "x@far.test", "--header", "Subject: ccert-relay");
    postern.awaitLog(Pattern.compile("to=<x@far\\.test>, relay=[^ ]*\\[127\\.0\\.95\\.30\\]:\\d+,.*status=sent"), LIMIT);
    assertThat(Commands.await(LIMIT, () -> queued() == 1)).isTrue();
    String queued = postfix.postcat(postfix.queueIds("incoming").iterator().next());
    assertThat(queued).contains("(Client CN \"postern-client.test\", Issuer \"Postern Test CA\" (verified OK))");
    assertThat(postfix.log()).contains("Trusted TLS connection established from");
  }

  @Test
  void chainFiles_presentedLikeCertFile() throws Exception {
    start("smtp_tls_chain_files = KEY, CERT");
    Submit.swaks(postern, "a@mx.test", "x@far.test", "--header", "Subject: ccert-chain");
    postern.awaitLog(Pattern.compile("to=<x@far\\.test>, relay=[^ ]*\\[127\\.0\\.95\\.30\\]:\\d+,.*status=sent"), LIMIT);
  }

  @Test
  void noClientCertificate_postfixRelayRefuses() throws Exception {
    start("");
    Submit.swaks(postern, "a@mx.test", "x@far.test", "--header", "Subject: ccert-none");
    postern.awaitLog(Pattern.compile("to=<x@far\\.test>, relay=[^ ]*\\[127\\.0\\.95\\.30\\]:\\d+,.*"
        + "status=bounced \\(host [^ ]+ said: 554 5\\.7\\.1 <x@far\\.test>: Relay access denied"), LIMIT);
    assertThat(postfix.log()).contains("Anonymous TLS connection established from");
  }
}
