package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP client's connection cache against a counting aiosmtpd server: a burst of 200 messages
 * for one destination travels over far fewer connections than messages; and since the cache key
 * holds the REQUIRETLS action beside transport, next hop and TLS level, a connection that carried
 * a REQUIRETLS message never carries one without REQUIRETLS, and the other way round. A delivery
 * over a reused connection is logged with {@code conn_use=N} as Postfix logs it. TLS connections
 * are reused only with {@code smtp_tls_connection_reuse = yes}; with Postfix's default {@code no}
 * every TLS delivery has its own connection, counted at the server.
 */
class ConnectionCacheIT {
  private static final Duration LIMIT = Duration.ofSeconds(180);

  @TempDir Path dir;
  private AiosmtpdPeer peer;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      if (peer != null) {
        peer.close();
      }
    }
  }

  private static final String SMTPLIB_BURST =
      """
      import smtplib, ssl, sys
      port, cafile, count, recipient = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
      with smtplib.SMTP("127.0.0.1", port, local_hostname="client.test") as c:
          c.ehlo()
          if cafile != "-":
              ctx = ssl.create_default_context(cafile=cafile)
              ctx.check_hostname = False
              c.starttls(context=ctx)
              c.ehlo()
          for i in range(count):
              options = ["REQUIRETLS"] if cafile != "-" and i % 2 == 0 else []
              message = "From: <sender@client.test>\\r\\nTo: <%s>\\r\\nSubject: burst %d %s\\r\\n\\r\\nmessage %d\\r\\n" % (
                  recipient, i, " ".join(options), i)
              refused = c.sendmail("sender@client.test", [recipient], message, mail_options=options)
              assert refused == {}, refused
      print("sent", count)
      """;

  /** Submits {@code count} messages in one SMTP session (every other one with REQUIRETLS when {@code caFile} is given). */
  private void burst(int count, Path caFile) throws Exception {
    Path script = dir.resolve("burst.py");
    Files.writeString(script, SMTPLIB_BURST, StandardCharsets.UTF_8);
    PosternInstance.Result r =
        Commands.ok(
            List.of(
                "/usr/bin/python3", script.toString(), Integer.toString(postern.smtpPort()),
                caFile == null ? "-" : caFile.toString(), Integer.toString(count), "box@cache.test"),
            null,
            LIMIT);
    assertThat(r.out()).contains("sent " + count);
  }

  private void startPostern(int peerPort, String... extra) throws Exception {
    Path transport = dir.resolve("transport");
    Files.writeString(transport, "cache.test smtp:[127.0.0.1]:" + peerPort + "\n");
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "defer_transports =",
                "transport_maps = texthash:" + transport,
                String.join("\n", extra),
                ""));
    postern.startAndAwaitSmtp();
  }

  @Test
  void burstOf200_oneDestination_farFewerConnectionsThanMessages() throws Exception {
    int port = PosternInstance.freePort();
    peer = AiosmtpdPeer.start(dir, "127.0.0.1", port);
    startPostern(port);

    burst(200, null);

    List<AiosmtpdPeer.Message> got = peer.awaitMessages(200, LIMIT);
    assertThat(got).hasSize(200);
    assertThat(peer.connectionCount()).as("connections for 200 messages").isLessThanOrEqualTo(100);
  }

  /** Postfix logs {@code conn_use=N} (N from 2) for a delivery over a reused connection. */
  @Test
  void burst_reusedConnection_statusLineHasConnUse() throws Exception {
    int port = PosternInstance.freePort();
    peer = AiosmtpdPeer.start(dir, "127.0.0.1", port);
    startPostern(port);

    burst(50, null);

    peer.awaitMessages(50, LIMIT);
    assertThat(peer.connectionCount()).as("connections for 50 messages").isLessThan(50);
    assertThat(postern.maillogText())
        .containsPattern("to=<box@cache\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + port + ", conn_use=[2-9]\\d*, delay=.*status=sent");
  }

  @Test
  void requireTlsInterleaved_cachedConnectionsNeverMixRequireTlsAndPlain() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.peer.test");
    int port = PosternInstance.freePort();
    peer = AiosmtpdPeer.start(dir, "127.0.0.1", port, "--tls", mx.get(0).toString(), mx.get(1).toString(), "--requiretls");
    startPostern(
        port,
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + mx.get(0),
        "smtpd_tls_key_file = " + mx.get(1),
        "smtp_tls_CAfile = " + pki.caCert(),
        "smtp_tls_policy_maps = inline:{ {[127.0.0.1]:" + port + " = secure match=mx.peer.test} }",
        "smtp_requiretls_policy = enforce",
        "smtp_tls_connection_reuse = yes");

    burst(80, pki.caCert());

    List<AiosmtpdPeer.Message> got = peer.awaitMessages(80, LIMIT);
    assertThat(got).allSatisfy(m -> assertThat(m.tls()).isTrue());
    assertThat(got.stream().filter(m -> m.requireTls()).count()).isEqualTo(40);
    assertThat(got).allSatisfy(m -> assertThat(m.requireTls()).isEqualTo(m.text().contains("REQUIRETLS")));
    Map<Integer, Set<Boolean>> kindsPerConnection =
        got.stream().collect(Collectors.groupingBy(AiosmtpdPeer.Message::connection,
            Collectors.mapping(AiosmtpdPeer.Message::requireTls, Collectors.toSet())));
    assertThat(kindsPerConnection.values()).as("REQUIRETLS per connection").allSatisfy(kinds -> assertThat(kinds).hasSize(1));
    assertThat(peer.connectionCount()).as("connections for 80 messages: the cache was used").isLessThan(80);
  }

  @Test
  void tlsConnectionReuseNo_everyTlsDeliveryHasItsOwnConnection() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.peer.test");
    int port = PosternInstance.freePort();
    peer = AiosmtpdPeer.start(dir, "127.0.0.1", port, "--tls", mx.get(0).toString(), mx.get(1).toString(), "--requiretls");
    startPostern(
        port,
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + mx.get(0),
        "smtpd_tls_key_file = " + mx.get(1),
        "smtp_tls_CAfile = " + pki.caCert(),
        "smtp_tls_policy_maps = inline:{ {[127.0.0.1]:" + port + " = secure match=mx.peer.test} }",
        "smtp_requiretls_policy = enforce",
        "smtp_tls_connection_reuse = no");

    burst(30, pki.caCert());

    List<AiosmtpdPeer.Message> got = peer.awaitMessages(30, LIMIT);
    assertThat(got).hasSize(30).allSatisfy(m -> assertThat(m.tls()).isTrue());
    // aiosmtpd numbers a connection again after STARTTLS, so the messages' numbers count them.
    assertThat(got.stream().map(AiosmtpdPeer.Message::connection).distinct().count())
        .as("TLS connections for 30 messages without reuse").isEqualTo(30);
    assertThat(postern.maillogText()).doesNotContain("conn_use=");
  }
}
