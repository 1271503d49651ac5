package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REQUIRETLS mark lives in the queue file, not only in the {@code Require-TLS-ESMTP: yes}
 * header: with {@code requiretls_esmtp_header = no} (the seed README's "safely disabled" setting
 * for sites without content filters) an alias to a remote address and {@code postsuper -r} of a
 * deferred message still leave with REQUIRETLS enforced, and no such header appears.
 */
class RequireTlsQueueMarkIT {
  @TempDir static Path dir;
  private static RequireTlsWorld world;
  private static AiosmtpdPeer far;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    world = RequireTlsWorld.create(dir, Map.of("far.test", "127.0.65.30", "later.test", "127.0.65.31"));
    far = world.startPeer("far.test");
    postern = world.postern("requiretls_esmtp_header = no");
    RequireTlsWorld.addAliases(postern, "farfwd: ivan@far.test\n");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  private static String requireTls(String recipient, String subject) throws Exception {
    return Submit.requireTls(postern, world.caCert(), "alice@client.test", recipient, subject, "SECRET-BODY");
  }

  @Test
  void alias_noHeader_forwardedCopyLeavesWithRequireTls() throws Exception {
    String id = requireTls("farfwd@" + RequireTlsWorld.MYHOSTNAME, "alias without header");

    RequireTlsWorld.awaitForwardedWithRequireTls(postern, id, "farfwd@mx.postern.test", "ivan@far.test");
    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, far, "ivan@far.test"))
        .contains("Subject: alias without header")
        .doesNotContain("Require-TLS-ESMTP");
  }

  @Test
  void deferredMessage_noHeader_postsuperRequeue_leavesWithRequireTls() throws Exception {
    String id = requireTls("judy@later.test", "requeued without header");

    AiosmtpdPeer later = world.startPeerAndRequeue(postern, id, "judy@later.test");

    assertThat(RequireTlsWorld.assertLeftWithRequireTls(postern, later, "judy@later.test"))
        .contains("Subject: requeued without header")
        .doesNotContain("Require-TLS-ESMTP");
  }
}
