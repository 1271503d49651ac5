package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a cached MTA-STS policy (RFC 8461 sections 3.3 and 5.1) against real peers: nginx
 * serving the policies on 127.0.100.10:443, unbound serving the {@code _mta-sts} records (its TXT
 * ids changed by restarting it), aiosmtpd MX hosts on 127.0.100.11 (certificate for
 * mx1.sts.test) and 127.0.100.12 (rogue.sts.test), and a Postern with {@code
 * postern_mta_sts_enable = yes}. The policy's age is moved by rewriting the cache files' times,
 * as a clock would; nginx's access log counts the fetches. The last tests run {@code postern
 * mta-sts-check} and use {@code smtp_tls_CApath} instead of {@code smtp_tls_CAfile}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaStsRefreshIT {
  private static final Map<String, String> POLICIES = Map.of(
      "refresh.test", MtaStsWorld.policy("enforce", "mx1.sts.test"),
      "newid.test", MtaStsWorld.policy("enforce", "mx1.sts.test"),
      "broken.test", MtaStsWorld.NOT_SERVED,
      "kept.test", MtaStsWorld.policy("enforce", "mx1.sts.test"),
      "check.test", MtaStsWorld.policy("enforce", "*.sts.test"),
      "checkbad.test", MtaStsWorld.policy("enforce", "mx1.sts.test"),
      "capath.test", MtaStsWorld.policy("enforce", "mx1.sts.test"));

  @TempDir static Path dir;
  private static MtaStsWorld world;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    world = MtaStsWorld.start(dir, "127.0.100.10", POLICIES, List.of(
        "mx1.sts.test. 300 IN A 127.0.100.11",
        "rogue.sts.test. 300 IN A 127.0.100.12",
        "refresh.test. 300 IN MX 10 mx1.sts.test.",
        "newid.test. 300 IN MX 10 mx1.sts.test.",
        "broken.test. 300 IN MX 10 mx1.sts.test.",
        "kept.test. 300 IN MX 10 mx1.sts.test.",
        "check.test. 300 IN MX 10 mx1.sts.test.",
        "checkbad.test. 300 IN MX 10 rogue.sts.test.",
        "checkbad.test. 300 IN MX 20 mx1.sts.test.",
        "nosts.test. 300 IN MX 10 mx1.sts.test.",
        "capath.test. 300 IN MX 10 mx1.sts.test."));
    world.startTlsPeer("127.0.100.11", "mx1.sts.test");
    world.startTlsPeer("127.0.100.12", "rogue.sts.test");
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
    String id = world.send(domain, "mta-sts " + domain);
    return world.statusLine(id, domain);
  }

  private static Path cacheFile(String domain) {
    return dir.resolve("postern/lib/mta-sts").resolve(domain);
  }

  /** Moves the time {@code field} of {@code file} back by {@code age}, as time passing would. */
  private static long backdate(Path file, String field, Duration age) throws Exception {
    String text = Files.readString(file);
    Matcher m = Pattern.compile("\n" + field + ": ([0-9]+)\n").matcher(text);
    assertThat(m.find()).as(field + " in " + text).isTrue();
    long then = Long.parseLong(m.group(1)) - age.toSeconds();
    Files.writeString(file, text.substring(0, m.start(1)) + then + text.substring(m.end(1)));
    return then;
  }

  @Test
  @Order(1)
  void sameIdBeforeRefresh_cacheUsedWithoutFetchOrRewrite_pastHalfMaxAge_refetched()
      throws Exception {
    assertThat(deliver("refresh.test")).contains("status=sent").contains("tls=secure");
    assertThat(world.fetches("refresh.test")).isEqualTo(1);
    backdate(cacheFile("refresh.test"), "fetched", Duration.ofHours(11));
    String cached = Files.readString(cacheFile("refresh.test"));

    assertThat(deliver("refresh.test")).contains("status=sent");
    assertThat(world.fetches("refresh.test")).as("same id, refresh not due").isEqualTo(1);
    assertThat(Files.readString(cacheFile("refresh.test"))).as("nothing extended")
        .isEqualTo(cached);

    world.serve("refresh.test", MtaStsWorld.policy("testing", "mx1.sts.test"));
    backdate(cacheFile("refresh.test"), "fetched", Duration.ofHours(2));
    String id = world.send("refresh.test", "after refresh");
    assertThat(world.statusLine(id, "refresh.test")).contains("status=sent");

    assertThat(world.fetches("refresh.test")).isEqualTo(2);
    assertThat(Files.readString(cacheFile("refresh.test"))).contains("mode: testing")
        .doesNotContain(cached.lines().filter(l -> l.startsWith("fetched:")).findFirst()
            .orElseThrow());
    assertThat(postern.logLines(Pattern.compile(id
        + ": MTA-STS policy testing for refresh\\.test \\(id refresh1\\)"))).hasSize(1);
  }

  @Test
  @Order(2)
  void newTxtId_newPolicyFetchedOnceAndUsed() throws Exception {
    assertThat(deliver("newid.test")).contains("tls=secure");
    world.serve("newid.test", MtaStsWorld.policy("testing", "*.sts.test"));
    world.republish("newid.test", "newid2");

    String id = world.send("newid.test", "new id");
    assertThat(world.statusLine(id, "newid.test")).contains("status=sent");
    deliver("newid.test");

    assertThat(world.fetches("newid.test")).isEqualTo(2);
    assertThat(Files.readString(cacheFile("newid.test"))).contains("id: newid2")
        .contains("mx: *.sts.test");
    assertThat(postern.logLines(Pattern.compile(id
        + ": MTA-STS policy testing for newid\\.test \\(id newid2\\)"))).hasSize(1);
  }

  @Test
  @Order(3)
  void brokenPolicyHost_fetchedOncePerBackoff_backoffDoubles() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(deliver("broken.test")).contains("status=sent");
    }
    assertThat(world.fetches("broken.test")).as("one fetch for three deliveries").isEqualTo(1);
    Path failure = dir.resolve("postern/lib/mta-sts/.failed/broken.test");
    assertThat(Files.readString(failure)).contains("id: broken1\nfailures: 1\n")
        .contains("reason: https://mta-sts.broken.test/.well-known/mta-sts.txt: HTTP status 404");

    backdate(failure, "last", Duration.ofMinutes(6));
    deliver("broken.test");
    deliver("broken.test");

    assertThat(world.fetches("broken.test")).isEqualTo(2);
    assertThat(Files.readString(failure)).contains("failures: 2\n");
    assertThat(postern.logLines(Pattern.compile("warning: MTA-STS policy fetch for broken\\.test "
        + "\\(id broken1\\) failed: .*HTTP status 404; next attempt in 10 minutes"))).hasSize(1);
  }

  @Test
  @Order(4)
  void refreshFails_cachedPolicyStillEnforcedAndNotExtended() throws Exception {
    assertThat(deliver("kept.test")).contains("tls=secure");
    long fetched = backdate(cacheFile("kept.test"), "fetched", Duration.ofHours(13));
    world.unserve("kept.test");

    String id = world.send("kept.test", "refresh fails");

    assertThat(world.statusLine(id, "kept.test")).contains("status=sent").contains("tls=secure");
    assertThat(world.fetches("kept.test")).isEqualTo(2);
    assertThat(postern.logLines(Pattern.compile(id
        + ": MTA-STS policy enforce for kept\\.test \\(id kept1\\)"))).hasSize(1);
    assertThat(postern.logLines(Pattern.compile("warning: MTA-STS policy fetch for kept\\.test "
        + "\\(id kept1\\) failed: .*; keeping the cached policy; next attempt in 5 minutes")))
        .hasSize(1);
    assertThat(Files.readString(cacheFile("kept.test"))).contains("fetched: " + fetched + "\n");
  }

  @Test
  @Order(5)
  void mtaStsCheck_listedMxWithValidCertificate_passes() throws Exception {
    deliver("check.test");

    PosternInstance.Result r = postern.command("postern", "mta-sts-check", "check.test");

    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("_mta-sts.check.test TXT: \"v=STSv1; id=check1;\"")
        .contains("announced id: check1")
        .contains("fetch: https://mta-sts.check.test/.well-known/mta-sts.txt\n  version: STSv1\n"
            + "  mode: enforce\n  mx: *.sts.test\n  max_age: 86400\n")
        .containsPattern("cache: enforce for check\\.test \\(id check1\\), fetched \\S+Z "
            + "\\(age [0-9]+s\\), expires \\S+Z, next refresh \\S+Z")
        .contains("policy in force: enforce for check.test (id check1), as fetched")
        .contains("mx 10 mx1.sts.test: passes");
  }

  @Test
  @Order(6)
  void mtaStsCheck_unlistedMx_fails() throws Exception {
    PosternInstance.Result r = postern.command("postern", "mta-sts-check", "checkbad.test");

    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("cache: none")
        .contains("mx 10 rogue.sts.test: not listed in the policy: FAILS")
        .contains("mx 20 mx1.sts.test: passes");
  }

  @Test
  @Order(7)
  void mtaStsCheck_noPolicyOrFailingFetch_failsAndShowsNegativeCache() throws Exception {
    PosternInstance.Result none = postern.command("postern", "mta-sts-check", "nosts.test");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.out()).contains("_mta-sts.nosts.test TXT: none")
        .contains("policy in force: none");

    PosternInstance.Result broken = postern.command("postern", "mta-sts-check", "broken.test");
    assertThat(broken.status()).isEqualTo(1);
    assertThat(broken.out())
        .contains("fetch: failed: https://mta-sts.broken.test/.well-known/mta-sts.txt: "
            + "HTTP status 404")
        .containsPattern("negative cache: 2 failed fetch\\(es\\) of id broken1, last \\S+Z, "
            + "next attempt \\S+Z: https://")
        .contains("policy in force: none");

    PosternInstance.Result bad = postern.command("postern", "mta-sts-check", "not a domain");
    assertThat(bad.status()).isEqualTo(64);
    assertThat(bad.err()).contains("mta-sts-check: not a domain name: \"not a domain\"");
  }

  @Test
  @Order(8)
  void caPathInsteadOfCaFile_policyHostAndMxTrusted() throws Exception {
    Path caPath = Files.createDirectories(dir.resolve("capath"));
    Files.copy(world.caCert(), caPath.resolve("test-ca.pem"));
    // hashed as Postfix needs it (CaPathPostfixIT): the hash link and the file both read
    Commands.ok(List.of("openssl", "rehash", caPath.toString()), null, Duration.ofSeconds(30));
    Path empty = Files.createDirectories(dir.resolve("empty-capath"));
    postern.postconf("smtp_tls_CAfile =", "smtp_tls_CApath = " + empty);
    PosternInstance.Result untrusted =
        postern.command("postern", "mta-sts-check", "capath.test");
    assertThat(untrusted.status()).isEqualTo(1);
    assertThat(untrusted.out()).contains("fetch: failed: https://mta-sts.capath.test/");

    postern.stop();
    postern.postconf("smtp_tls_CApath = " + caPath);
    postern.startAndAwaitSmtp();
    String id = world.send("capath.test", "CApath");

    assertThat(world.statusLine(id, "capath.test")).contains("status=sent")
        .contains("tls=secure");
    assertThat(postern.logLines(Pattern.compile(id
        + ": MTA-STS policy enforce for capath\\.test \\(id capath1\\)"))).hasSize(1);
    assertThat(postern.command("postern", "mta-sts-check", "capath.test").status()).isZero();
  }
}
