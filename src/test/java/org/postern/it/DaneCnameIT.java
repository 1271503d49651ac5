package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DANE's TLSA base domain for an MX host that is an alias (RFC 7672 section 2.2.2), in the
 * DNSSEC test world: {@code alias.dane.test MX mx-alias.dane.test}, which is a CNAME for {@code
 * mx-target.dane.test} (127.0.98.21); the TLSA record is published only at {@code
 * _25._tcp.mx-target.dane.test}, the fully expanded name. The server (aiosmtpd, certificate for
 * {@code mx-target.dane.test}, REQUIRETLS) must be verified by that record: {@code tls=dane}, and
 * a REQUIRETLS message under {@code enforce} leaves with {@code tls=dane/requiretls}.
 */
class DaneCnameIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static DnssecWorld world;
  private static AiosmtpdPeer target;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> cert = pki.server("mx-target.dane.test");
    world = DnssecWorld.start(dir.resolve("dns"), List.of(
        "alias.dane.test. IN MX 10 mx-alias.dane.test.",
        "mx-alias.dane.test. IN CNAME mx-target.dane.test.",
        "mx-target.dane.test. IN A 127.0.98.21",
        "_25._tcp.mx-target.dane.test. IN TLSA " + DnssecWorld.daneEe(cert.get(0))), Set.of());
    target = AiosmtpdPeer.start(dir, "127.0.98.21", 25, "--tls", cert.get(0).toString(),
        cert.get(1).toString(), "--requiretls");
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = client.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "defer_transports =",
        "postern_dns_resolver_address = " + world.address(),
        "smtp_dns_support_level = dnssec",
        "smtp_tls_security_level = dane",
        "smtp_requiretls_policy = enforce",
        "requiretls_request_maps = inline:{ {marked@client.test = yes} }",
        ""));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, target, world}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static String statusLine(String id, String recipient) throws InterruptedException {
    return postern.awaitLog(Pattern.compile("(" + id + ": to=<" + Pattern.quote(recipient)
        + ">, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
  }

  @Test
  void aliasMxHost_tlsaAtTheExpandedName_verifiedAsDane() throws Exception {
    String id = Submit.swaks(postern, "plain@client.test", "a@alias.dane.test");

    assertThat(statusLine(id, "a@alias.dane.test"))
        .contains("relay=mx-alias.dane.test[127.0.98.21]:25")
        .contains("tls=dane, dsn=2.0.0, status=sent");
  }

  @Test
  void aliasMxHost_requireTlsEnforce_leavesWithRequireTls() throws Exception {
    String id = Submit.swaks(postern, "marked@client.test", "b@alias.dane.test");

    assertThat(statusLine(id, "b@alias.dane.test"))
        .contains("tls=dane/requiretls, dsn=2.0.0, status=sent");
    assertThat(Commands.await(LIMIT, () -> target.messages().stream()
        .anyMatch(m -> m.recipients().contains("b@alias.dane.test") && m.requireTls())))
        .as("REQUIRETLS on MAIL FROM at the target").isTrue();
  }
}
