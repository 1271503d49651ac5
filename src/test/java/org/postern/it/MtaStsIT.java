package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS (RFC 8461) end to end with {@code postern_mta_sts_enable = yes}: a test unbound serves
 * the {@code _mta-sts} TXT records, MX records and addresses; Debian's nginx serves each domain's
 * {@code /.well-known/mta-sts.txt} over HTTPS on 127.0.72.10:443 with a certificate for {@code
 * mta-sts.<domain>} from the test CA (trusted through {@code smtp_tls_CAfile}); aiosmtpd peers on
 * 127.0.72.11 (certificate for mx1.sts.test), .12 (certificate for rogue.sts.test, a name no
 * enforced policy lists) and .13 (no TLS) are the MX hosts. {@link MtaStsWorld} sets it up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaStsIT {
  /** Policy domain, then its policy file. */
  private static final Map<String, String> POLICIES = Map.of(
      "enforce.test", MtaStsWorld.policy("enforce", "*.sts.test"),
      "badmx.test", MtaStsWorld.policy("enforce", "mx1.sts.test"),
      "onlyrogue.test", MtaStsWorld.policy("enforce", "mx1.sts.test"),
      "nocert.test", MtaStsWorld.policy("enforce", "mx.nocert.test"),
      "testing.test", MtaStsWorld.policy("testing", "mx1.sts.test"),
      "restart.test", MtaStsWorld.policy("enforce", "mx1.sts.test"),
      "down.test", MtaStsWorld.policy("enforce", "nowhere.sts.test"),
      "nofile.test", MtaStsWorld.NOT_SERVED);

  @TempDir static Path dir;
  private static MtaStsWorld world;
  private static AiosmtpdPeer mx1;
  private static AiosmtpdPeer rogue;
  private static AiosmtpdPeer plain;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    world = MtaStsWorld.start(dir, "127.0.72.10", POLICIES, List.of(
        "mx1.sts.test. 300 IN A 127.0.72.11",
        "rogue.sts.test. 300 IN A 127.0.72.12",
        "enforce.test. 300 IN MX 10 mx1.sts.test.",
        "badmx.test. 300 IN MX 10 rogue.sts.test.",
        "badmx.test. 300 IN MX 20 mx1.sts.test.",
        "onlyrogue.test. 300 IN MX 10 rogue.sts.test.",
        "restart.test. 300 IN MX 10 mx1.sts.test.",
        "nofile.test. 300 IN MX 10 mx.plain.test.",
        "nocert.test. 300 IN MX 10 mx.nocert.test.",
        "mx.nocert.test. 300 IN A 127.0.72.13",
        "testing.test. 300 IN MX 10 mx.plain.test.",
        "down.test. 300 IN MX 10 mx.plain.test.",
        "mx.plain.test. 300 IN A 127.0.72.13"));
    mx1 = world.startTlsPeer("127.0.72.11", "mx1.sts.test");
    rogue = world.startTlsPeer("127.0.72.12", "rogue.sts.test");
    plain = world.startPeer("127.0.72.13");
    postern = world.postern();
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  private static String deliver(String domain) throws Exception {
    return world.send(domain, "mta-sts " + domain);
  }

  @Test
  @Order(1)
  void enforce_matchingMxWithValidCertificate_deliveredOverVerifiedTls() throws Exception {
    String id = deliver("enforce.test");

    String line = world.statusLine(id, "enforce.test");
    assertThat(line).contains("relay=mx1.sts.test[127.0.72.11]:25").contains("status=sent")
        .contains("tls=secure");
    assertThat(postern.logLines(Pattern.compile(id
        + ": MTA-STS policy enforce for enforce\\.test \\(id enforce1\\), mx: \\*\\.sts\\.test")))
        .hasSize(1);
    assertThat(mx1.awaitMessages(1, MtaStsWorld.LIMIT).stream()
        .filter(m -> m.text().contains("Subject: mta-sts enforce.test")))
        .singleElement().matches(AiosmtpdPeer.Message::tls, "over TLS");
  }

  @Test
  @Order(2)
  void enforce_mxNotInPolicy_skippedForTheListedOne() throws Exception {
    int before = rogue.connectionCount();
    String id = deliver("badmx.test");

    String line = world.statusLine(id, "badmx.test");
    assertThat(line).contains("relay=mx1.sts.test[127.0.72.11]:25").contains("status=sent");
    assertThat(rogue.connectionCount()).as("connections to the unlisted MX").isEqualTo(before);
  }

  @Test
  @Order(3)
  void enforce_onlyUnlistedMx_deferredWithoutConnecting() throws Exception {
    int before = rogue.connectionCount();
    String id = deliver("onlyrogue.test");

    String line = world.statusLine(id, "onlyrogue.test");
    assertThat(line).contains("status=deferred").contains("dsn=4.7.5")
        .contains("MX host rogue.sts.test is not listed in the MTA-STS policy enforce for "
            + "onlyrogue.test (id onlyrogue1)");
    assertThat(rogue.connectionCount()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void enforce_listedMxWithoutTls_deferred() throws Exception {
    String id = deliver("nocert.test");

    String line = world.statusLine(id, "nocert.test");
    assertThat(line).contains("status=deferred").contains("TLS is required")
        .contains("relay=mx.nocert.test[127.0.72.13]:25");
    assertThat(plain.messages()).noneMatch(m -> m.text().contains("mta-sts nocert.test"));
  }

  @Test
  @Order(5)
  void testing_deliveredAsWithoutMtaSts_refusalLogged() throws Exception {
    String id = deliver("testing.test");

    String line = world.statusLine(id, "testing.test");
    assertThat(line).contains("relay=mx.plain.test[127.0.72.13]:25").contains("status=sent");
    assertThat(postern.logLines(Pattern.compile(id + ": MTA-STS policy testing for testing\\.test "
        + "\\(id testing1\\): enforce would have refused: MX host mx\\.plain\\.test is not "
        + "listed in the policy"))).hasSize(1);
  }

  @Test
  @Order(6)
  void fetch404_noCachedPolicy_normalDeliveryAndWarning() throws Exception {
    String id = deliver("nofile.test");

    String line = world.statusLine(id, "nofile.test");
    assertThat(line).contains("relay=mx.plain.test[127.0.72.13]:25").contains("status=sent");
    assertThat(postern.logLines(Pattern.compile("warning: MTA-STS policy fetch for nofile\\.test "
        + "\\(id nofile1\\) failed: https://mta-sts\\.nofile\\.test/\\.well-known/mta-sts\\.txt: "
        + "HTTP status 404"))).isNotEmpty();
    assertThat(postern.logLines(Pattern.compile(id + ": MTA-STS policy"))).isEmpty();
  }

  @Test
  @Order(7)
  void cachedPolicy_survivesRestartWithPolicyHostDown_fetchFailureWithoutCacheDelivers()
      throws Exception {
    String first = deliver("restart.test");
    assertThat(world.statusLine(first, "restart.test")).contains("status=sent")
        .contains("tls=secure");
    Path cached = dir.resolve("postern/lib/mta-sts/restart.test");
    assertThat(cached).exists();
    assertThat(Files.readString(cached)).contains("id: restart1").contains("mode: enforce");

    postern.stop();
    world.stopPolicyHost();
    postern.startAndAwaitSmtp();
    String second = deliver("restart.test");

    assertThat(world.statusLine(second, "restart.test")).contains("status=sent")
        .contains("tls=secure").contains("relay=mx1.sts.test[127.0.72.11]:25");
    assertThat(postern.logLines(Pattern.compile(second
        + ": MTA-STS policy enforce for restart\\.test \\(id restart1\\)"))).hasSize(1);

    String down = deliver("down.test");
    assertThat(world.statusLine(down, "down.test")).contains("status=sent")
        .contains("relay=mx.plain.test[127.0.72.13]:25");
    assertThat(postern.logLines(Pattern.compile(
        "warning: MTA-STS policy fetch for down\\.test \\(id down1\\) failed: "))).isNotEmpty();
  }
}
