package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code requiretls_request_maps} keyed on the SASL login name: a client authenticates through
 * Debian's Dovecot ({@link DovecotAuth}) on a submission service (127.0.98.40, {@code -o}
 * settings) and sends without REQUIRETLS; cleanup marks the message because the table lists the
 * login name, not the sender address. The next hop ({@code relayhost}, an aiosmtpd on
 * 127.0.98.41 without TLS, so {@code opportunistic} as an IP literal under the default policy)
 * receives it with the {@code Require-TLS-ESMTP: yes} header of a REQUIRETLS message.
 */
class RequireTlsRequestSaslIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static DovecotAuth dovecot;
  private static AiosmtpdPeer peer;
  private static PosternInstance postern;
  private static Path table;

  @BeforeAll
  static void start() throws Exception {
    dovecot = DovecotAuth.start(dir, List.of("alice:{PLAIN}secret"));
    int peerPort = PosternInstance.freePort();
    peer = AiosmtpdPeer.start(dir, "127.0.98.41", peerPort);
    table = dir.resolve("requiretls-logins");
    Files.writeString(table, "alice yes\n", StandardCharsets.US_ASCII);
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.reqsasl.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.1/32",
        "relayhost = [127.0.98.41]:" + peerPort,
        "defer_transports =",
        "smtpd_sasl_type = dovecot",
        "smtpd_sasl_path = " + dovecot.socket(),
        ""));
    postern.appendMasterCf(String.join("\n",
        "127.0.98.40:587 inet n - n - - smtpd",
        "  -o smtpd_sasl_auth_enable=yes",
        "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
        "  -o requiretls_request_maps=texthash:" + table));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, peer, dovecot}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void authenticatedLogin_listed_messageMarkedByPolicy() throws Exception {
    String id = Submit.queueId(Commands.ok(List.of("swaks", "--server", "127.0.98.40:587",
        "--ehlo", "client.test", "--from", "someone@elsewhere.test", "--to", "rcpt@far.test",
        "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "secret",
        "--header", "Subject: by login"), null, LIMIT).out());

    postern.awaitLog(Pattern.compile(Pattern.quote(id + ": requiretls requested by policy:"
        + " table=texthash:" + table + " key=alice")), LIMIT);
    postern.awaitLog(Pattern.compile(Pattern.quote(id) + ": to=<rcpt@far\\.test>, .*"
        + "tls=may:none/requiretls:none, dsn=2\\.0\\.0, status=sent"), LIMIT);
    assertThat(peer.awaitMessages(1, LIMIT)).singleElement()
        .satisfies(m -> assertThat(m.text()).contains("Require-TLS-ESMTP: yes"));
  }
}
