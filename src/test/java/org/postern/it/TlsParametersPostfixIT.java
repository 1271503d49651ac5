package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
 * The SMTP client's TLS protocol, fingerprint and logging settings end to end: a Postern
 * instance run through bin/ (mail submitted with bin/sendmail; its smtpd listener removed) hands
 * mail to Debian's Postfix 3.7 listening with STARTTLS on 127.0.81.4, one master.cf transport per
 * setting. Postfix's Received header says which protocol the session used; Postern's maillog
 * says whether the status line carries {@code tls=}.
 */
class TlsParametersPostfixIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String ADDRESS = "127.0.81.4";
  private static final List<String> DOMAINS =
      List.of("tls12.test", "tls13.test", "fingerprint.test", "nolog.test");

  @TempDir static Path dir;
  private static PostfixServer postfix;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.peer.test");
    int port = PosternInstance.freePort();
    Map<Integer, Boolean> listeners = new LinkedHashMap<>();
    listeners.put(port, true);
    postfix = PostfixServer.start(
        dir, dir.resolve("postfix"), "mx.peer.test", DOMAINS, mx, ADDRESS, listeners);
    String fingerprint = Commands.ok(List.of("openssl", "x509", "-noout", "-fingerprint",
        "-sha256", "-in", mx.get(0).toString()), null, Duration.ofSeconds(30))
        .out().strip().replaceFirst("^.*=", "");
    String nexthop = "[" + ADDRESS + "]:" + port;
    Path transport = dir.resolve("transport");
    Files.writeString(transport, String.join("\n",
        "tls12.test t12:" + nexthop,
        "tls13.test smtp:" + nexthop,
        "fingerprint.test tfingerprint:" + nexthop,
        "nolog.test tnolog:" + nexthop,
        ""));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = client.test",
        "mydestination = localhost",
        "defer_transports =",
        "transport_maps = texthash:" + transport,
        ""));
    Path master = postern.config().resolve("master.cf");
    Files.writeString(master,
        Files.readString(master).replaceAll("(?m)^127\\.0\\.0\\.1:\\d+ +inet .*\\R", ""));
    postern.appendMasterCf(String.join("\n",
        "t12 unix - - n - - smtp",
        "  -o smtp_tls_protocols=<=TLSv1.2",
        "tfingerprint unix - - n - - smtp",
        "  -o smtp_tls_security_level=fingerprint",
        "  -o smtp_tls_fingerprint_cert_match=" + fingerprint.toLowerCase(java.util.Locale.ROOT),
        "tnolog unix - - n - - smtp",
        "  -o smtp_log_tls_feature_status=no"));
    postern.start();
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

  /** Submits mail for box@{@code domain} with bin/sendmail; returns Postern's status line. */
  private String deliver(String domain, String status) throws Exception {
    String recipient = "box@" + domain;
    byte[] message = ("Subject: params " + domain + "\n\nbody\n").getBytes(StandardCharsets.UTF_8);
    var r = postern.commandWithInput(message, "sendmail", "-f", "sender@client.test", recipient);
    assertThat(r.status()).as(r.err()).isZero();
    return postern.awaitLog(Pattern.compile(
        "(: to=<" + Pattern.quote(recipient) + ">, .*status=" + status + " .*)"), LIMIT);
  }

  private String arrived(String domain) throws Exception {
    postfix.awaitLog(Pattern.compile(
        "to=<box@" + Pattern.quote(domain) + ">, relay=virtual, .*status=sent"), LIMIT);
    return postfix.message("Subject: params " + domain);
  }

  @Test
  void protocolsAtMostTls12_postfixReceivesOverTls12() throws Exception {
    assertThat(deliver("tls12.test", "sent")).contains(", tls=may,");
    assertThat(arrived("tls12.test")).contains("(using TLSv1.2 ").contains("with ESMTPS id");
  }

  @Test
  void defaults_postfixReceivesOverTls13() throws Exception {
    deliver("tls13.test", "sent");
    assertThat(arrived("tls13.test")).contains("(using TLSv1.3 ");
  }

  @Test
  void fingerprintLevelFromMainCf_sentTlsFingerprint() throws Exception {
    assertThat(deliver("fingerprint.test", "sent")).contains(", tls=fingerprint,");
    assertThat(arrived("fingerprint.test")).contains("with ESMTPS id");
  }

  @Test
  void logTlsFeatureStatusNo_statusLineWithoutTls() throws Exception {
    String line = deliver("nolog.test", "sent");

    assertThat(line).doesNotContain("tls=").contains(", dsn=2.0.0, status=sent");
    assertThat(arrived("nolog.test")).contains("with ESMTPS id");
  }
}
