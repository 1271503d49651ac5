package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Non-delivery notifications end to end: mail to an unknown local user (bounced by local) and to
 * a transport_maps {@code error:} destination (bounced by error) comes back to its local sender
 * as an RFC 3464 report in the sender's Maildir, read by python3's email parser. For a REQUIRETLS
 * original the report returns the header only and is itself queued without REQUIRETLS (RFC 8689
 * section 5); {@code defer_transports = local} holds it in the queue for {@code bin/postcat}.
 */
class BounceIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String SENDER = "root@mx.test";

  @TempDir Path dir;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  private void start(String... extra) throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.test");
    Path transport = dir.resolve("transport");
    Files.writeString(transport, "denied.test error:5.7.1 go away\n");
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = mx.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.1/32",
                "local_recipient_maps =",
                "transport_maps = texthash:" + transport,
                // Postfix's smtpd refuses an error: transport at RCPT (550 5.7.1 ... go away);
                // let it through so that the bounce after queueing is what is tested.
                "smtpd_reject_unlisted_recipient = no",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + mx.get(0),
                "smtpd_tls_key_file = " + mx.get(1),
                String.join("\n", extra),
                ""));
    postern.startAndAwaitSmtp();
  }

  @Test
  void unknownLocalUser_dsnInSenderMaildir() throws Exception {
    start();

    String id = Submit.swaks(postern, SENDER, "nosuch@mx.test", "--body", "BODY-OF-THE-ORIGINAL");

    postern.awaitLog(
        Pattern.compile(id + ": to=<nosuch@mx\\.test>, relay=local, .*dsn=5\\.1\\.1, status=bounced \\(unknown user: \"nosuch\"\\)"),
        LIMIT);
    Dsn dsn = Dsn.parse(deliveredNotification(id)).assertReport("failed", "5.1.1", "nosuch@mx.test");
    assertThat(dsn.one("header.to")).contains(SENDER);
    assertThat(dsn.all("part")).contains("message/rfc822");
    assertThat(dsn.one("returned.message")).contains("BODY-OF-THE-ORIGINAL");
  }

  @Test
  void errorTransport_dsnInSenderMaildir() throws Exception {
    start();

    String id = Submit.swaks(postern, SENDER, "someone@denied.test");

    postern.awaitLog(
        Pattern.compile(id + ": to=<someone@denied\\.test>, relay=none, .*dsn=5\\.7\\.1, status=bounced \\(go away\\)"),
        LIMIT);
    Dsn dsn = Dsn.parse(deliveredNotification(id)).assertReport("failed", "5.7.1", "someone@denied.test");
    assertThat(dsn.all("ds.diagnostic-code").toString()).contains("go away");
  }

  @Test
  void requireTlsOriginal_dsnHeadersOnly() throws Exception {
    start();

    String id =
        Submit.requireTls(
            postern, dir.resolve("pki/ca.pem"), SENDER, "someone@denied.test", "secret subject line", "SECRET-BODY-TEXT");

    Path file = deliveredNotification(id);
    Dsn dsn = Dsn.parse(file).assertReport("failed", "5.7.1", "someone@denied.test");
    assertThat(dsn.all("part")).contains("text/rfc822-headers").doesNotContain("message/rfc822");
    assertThat(dsn.one("returned.headers")).contains("Subject: secret subject line");
    assertThat(Files.readString(file)).doesNotContain("SECRET-BODY-TEXT");
  }

  @Test
  void requireTlsOriginal_heldDsnNotMarkedRequireTls_thenDelivered() throws Exception {
    start(
        "defer_transports = local",
        "queue_run_delay = 1s",
        "minimal_backoff_time = 1s",
        "maximal_backoff_time = 2s");

    String id =
        Submit.requireTls(
            postern, dir.resolve("pki/ca.pem"), SENDER, "someone@denied.test", "held report", "SECRET-BODY-TEXT");

    String notification = postern.awaitLog(nonDelivery(id), LIMIT);
    postern.awaitLog(
        Pattern.compile(notification + ": to=<root@mx\\.test>, .*status=deferred"), LIMIT);
    String held = postern.postcat(notification);
    assertThat(held)
        .contains("sender: \n")
        .contains("recipient: root@mx.test")
        .contains("text/rfc822-headers")
        .contains("Subject: held report")
        .doesNotContain("requiretls: yes")
        .doesNotContain("SECRET-BODY-TEXT");

    postern.stop();
    postern.postconf("defer_transports =");
    postern.startAndAwaitSmtp();
    Path file = awaitInRootMaildir(notification);
    Dsn.parse(file).assertReport("failed", "5.7.1", "someone@denied.test");
    assertThat(Files.readString(file)).doesNotContain("SECRET-BODY-TEXT");
  }

  private static Pattern nonDelivery(String id) {
    return Pattern.compile(id + ": sender non-delivery notification: ([0-9A-Za-z]+)");
  }

  /** The notification about {@code id}, once local has delivered it to root's Maildir. */
  private Path deliveredNotification(String id) throws InterruptedException {
    String notification = postern.awaitLog(nonDelivery(id), LIMIT);
    postern.awaitLog(
        Pattern.compile(notification + ": to=<root@mx\\.test>, relay=local, .*status=sent \\(delivered to maildir\\)"),
        LIMIT);
    return awaitInRootMaildir(notification);
  }

  private Path awaitInRootMaildir(String queueId) throws InterruptedException {
    Path[] found = new Path[1];
    boolean seen =
        Commands.await(
            LIMIT,
            () -> {
              List<Path> files =
                  postern.maildirMessages("root").stream()
                      .filter(p -> p.getFileName().toString().contains("P" + queueId + "_"))
                      .toList();
              if (files.size() == 1) {
                found[0] = files.get(0);
              }
              return found[0] != null;
            });
    assertThat(seen).as("exactly one copy of " + queueId + " in root's Maildir: " + postern.maildirMessages("root")).isTrue();
    return found[0];
  }
}
