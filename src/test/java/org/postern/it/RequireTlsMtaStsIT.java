package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8689 section 4.2.1 with MTA-STS instead of DNSSEC: the MX records here are unsigned ({@link
 * MtaStsWorld}'s unbound), so under {@code smtp_requiretls_policy = enforce} a REQUIRETLS message
 * goes only to an MX host the domain's MTA-STS policy lists. {@code listed.test} has an {@code
 * enforce} policy naming its MX host; {@code unlisted.test} a {@code testing} policy naming
 * another host. Both MX hosts (127.0.98.31 and .32) offer STARTTLS with a certificate for their
 * name and announce REQUIRETLS; the messages are marked by {@code requiretls_request_maps}.
 */
class RequireTlsMtaStsIT {
  @TempDir static Path dir;
  private static MtaStsWorld world;
  private static AiosmtpdPeer listed;
  private static AiosmtpdPeer unlisted;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    world = MtaStsWorld.start(dir, "127.0.98.30", Map.of(
        "listed.test", MtaStsWorld.policy("enforce", "mx.listed.test"),
        "unlisted.test", MtaStsWorld.policy("testing", "mx.elsewhere.test")), List.of(
        "listed.test. 300 IN MX 10 mx.listed.test.",
        "mx.listed.test. 300 IN A 127.0.98.31",
        "unlisted.test. 300 IN MX 10 mx.unlisted.test.",
        "mx.unlisted.test. 300 IN A 127.0.98.32"));
    listed = world.startTlsPeer("127.0.98.31", "mx.listed.test", "--requiretls");
    unlisted = world.startTlsPeer("127.0.98.32", "mx.unlisted.test", "--requiretls");
    postern = world.postern(
        "smtp_tls_security_level = verify",
        "smtp_requiretls_policy = enforce",
        "requiretls_request_maps = inline:{ {client.test = yes} }");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void unsignedMx_listedByTheMtaStsPolicy_leavesWithRequireTls() throws Exception {
    String id = world.send("listed.test", "sts listed");

    assertThat(world.statusLine(id, "listed.test"))
        .contains("relay=mx.listed.test[127.0.98.31]:25")
        .contains("tls=secure/requiretls, dsn=2.0.0, status=sent");
    assertThat(listed.awaitMessages(1, MtaStsWorld.LIMIT)).singleElement()
        .satisfies(m -> assertThat(m.requireTls()).as("REQUIRETLS on MAIL FROM").isTrue());
  }

  @Test
  void unsignedMx_notListedByATestingPolicy_bouncedAsNoCertificateMatch() throws Exception {
    String id = world.send("unlisted.test", "sts unlisted");

    assertThat(world.statusLine(id, "unlisted.test"))
        .contains("relay=none")
        .contains("tls=verify?/!requiretls:nocertmatch, dsn=5.7.10, status=bounced (Sender"
            + " requested REQUIRETLS, but no matching server certificate was found. The last"
            + " attempted server was mx.unlisted.test[127.0.98.32])");
    assertThat(unlisted.messages()).isEmpty();
  }
}
