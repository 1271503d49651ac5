package org.postern.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.VerifyClient.AddressStatus;
import org.postern.deliver.VerifyClient.Answer;
import org.postern.deliver.VerifyClient.VerifyException;
import org.postern.log.MailLog;
import org.postern.log.ProgramLog;
import org.postern.table.DictCache;

class AddressVerifierTest {
  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;

  private final List<String> probes = new ArrayList<>();
  private Instant now = START;
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private ProgramLog log;

  @BeforeEach
  void setUp() throws IOException {
    log = MailLog.builder().maillogFile(dir.resolve("maillog").toString()).hostName("mx").build()
        .program("verify");
  }

  private static VerifySettings settings(String map, boolean negativeCache) {
    return new VerifySettings(map, "double-bounce", Duration.ZERO, Duration.ofDays(31),
        Duration.ofDays(7), negativeCache, Duration.ofDays(3), Duration.ofHours(3),
        Duration.ofHours(12));
  }

  private AddressVerifier verifier(DictCache cache, boolean negativeCache) {
    return new AddressVerifier(settings("lmdb:" + dir.resolve("verify_cache"), negativeCache), cache,
        (sender, recipient) -> probes.add(sender + " -> " + recipient), clock, log);
  }

  @Test
  void query_unknownAddress_answersInProgressAndSendsOneProbe() throws VerifyException {
    AddressVerifier v = verifier(new DictCache.Memory(), true);

    Answer first = v.query("u@example.com");
    now = now.plusSeconds(10);
    Answer second = v.query("u@example.com");

    assertThat(first).isEqualTo(new Answer(AddressStatus.TODO, "Address verification in progress"));
    assertThat(second).isEqualTo(first);
    assertThat(probes).containsExactly("double-bounce -> u@example.com");
  }

  @Test
  void query_probeAnsweredBeforeTheQueryReturns_keepsTheAnswer() throws VerifyException {
    AddressVerifier[] v = new AddressVerifier[1];
    v[0] = new AddressVerifier(settings("", true), new DictCache.Memory(), (sender, rcpt) -> {
      try {
        v[0].update(rcpt, AddressStatus.BOUNCE, "host said: 550 5.1.1 no");
      } catch (VerifyException e) {
        throw new IOException(e);
      }
    }, clock, log);

    assertThat(v[0].query("u@example.com").status()).isEqualTo(AddressStatus.TODO);
    assertThat(v[0].query("u@example.com"))
        .isEqualTo(new Answer(AddressStatus.BOUNCE, "host said: 550 5.1.1 no"));
  }

  @Test
  void query_probeLostAfterProbeTtl_sendsAnotherProbe() throws VerifyException {
    AddressVerifier v = verifier(new DictCache.Memory(), true);
    v.query("u@example.com");

    now = now.plusSeconds(AddressVerifier.PROBE_TTL + 1);
    v.query("u@example.com");

    assertThat(probes).hasSize(2);
  }

  @Test
  void update_deliverable_isAnsweredFromTheCacheWithoutProbe() throws VerifyException {
    AddressVerifier v = verifier(new DictCache.Memory(), true);

    v.update("u@example.com", AddressStatus.OK, "250 2.1.5 Ok");
    Answer a = v.query("u@example.com");

    assertThat(a).isEqualTo(new Answer(AddressStatus.OK, "250 2.1.5 Ok"));
    assertThat(probes).isEmpty();
  }

  @Test
  void update_failureAfterDeliverable_keepsDeliverable() throws VerifyException {
    AddressVerifier v = verifier(new DictCache.Memory(), true);
    v.update("u@example.com", AddressStatus.OK, "250 2.1.5 Ok");

    v.update("u@example.com", AddressStatus.BOUNCE, "host said: 550 5.1.1 no");

    assertThat(v.query("u@example.com").status()).isEqualTo(AddressStatus.OK);
  }

  @Test
  void query_negativeEntryDueForRefresh_answersCachedStatusAndProbesAgain() throws VerifyException {
    AddressVerifier v = verifier(new DictCache.Memory(), true);
    v.update("u@example.com", AddressStatus.BOUNCE, "host said: 550 5.1.1 no such user");

    now = now.plus(Duration.ofHours(3)).plusSeconds(1);
    Answer a = v.query("u@example.com");

    assertThat(a).isEqualTo(new Answer(AddressStatus.BOUNCE, "host said: 550 5.1.1 no such user"));
    assertThat(probes).hasSize(1);
  }

  @Test
  void query_positiveEntryExpired_startsOver() throws VerifyException {
    AddressVerifier v = verifier(new DictCache.Memory(), true);
    v.update("u@example.com", AddressStatus.OK, "250 2.1.5 Ok");

    now = now.plus(Duration.ofDays(31)).plusSeconds(1);

    assertThat(v.query("u@example.com").status()).isEqualTo(AddressStatus.TODO);
    assertThat(probes).hasSize(1);
  }

  @Test
  void query_withoutNegativeCache_recordsNoProbeAndProbesEveryTime() throws VerifyException {
    AddressVerifier v = verifier(new DictCache.Memory(), false);

    v.query("u@example.com");
    v.query("u@example.com");

    assertThat(probes).hasSize(2);
  }

  @Test
  void update_statusTodo_isRefused() {
    AddressVerifier v = verifier(new DictCache.Memory(), true);

    assertThatThrownBy(() -> v.update("u@example.com", AddressStatus.TODO, "x"))
        .isInstanceOf(VerifyException.class)
        .hasMessage("bad recipient status 3 for recipient u@example.com");
  }

  @Test
  void update_addressWithColon_isStoredUnderPostfixKey() throws Exception {
    DictCache cache = new DictCache.Memory();
    AddressVerifier v = verifier(cache, true);

    v.update("u@[IPv6:2001:db8::1]", AddressStatus.OK, "250 ok\r\nsecond");

    assertThat(cache.get("u@[IPv6_2001_db8__1]")).get().asString()
        .isEqualTo("0:0:" + START.getEpochSecond() + ":250 ok??second");
  }

  @Test
  void lmdbCache_survivesReopening() throws Exception {
    String spec = "lmdb:" + dir.resolve("verify_cache");
    try (AddressVerifier v = AddressVerifier.open(settings(spec, true),
        (s, r) -> probes.add(r), clock, log)) {
      v.update("u@example.com", AddressStatus.OK, "250 2.1.5 Ok");
    }

    try (AddressVerifier v = AddressVerifier.open(settings(spec, true),
        (s, r) -> probes.add(r), clock, log)) {
      assertThat(v.query("u@example.com")).isEqualTo(new Answer(AddressStatus.OK, "250 2.1.5 Ok"));
    }
    assertThat(dir.resolve("verify_cache.lmdb")).isRegularFile();
    assertThat(probes).isEmpty();
  }

  @Test
  void open_btreeMap_isKeptAsLmdbWithANotice() throws Exception {
    String spec = "btree:" + dir.resolve("verify_cache");
    List<String> notices = new ArrayList<>();
    try (DictCache c = DictCache.open("address_verify_map", spec, notices::add)) {
      c.put("k", "v");
    }

    assertThat(notices).containsExactly("address_verify_map: " + spec + " is kept as lmdb:"
        + dir.resolve("verify_cache"));
    assertThat(dir.resolve("verify_cache.lmdb")).isRegularFile();
  }

  @Test
  void open_unsupportedType_isRefused() {
    assertThatThrownBy(() -> DictCache.open("address_verify_map", "pcre:/etc/x", s -> { }))
        .hasMessage("address_verify_map: unsupported dictionary type: pcre: use lmdb:/etc/x"
            + " or memcache:/path/to/file.cf");
  }

  @Test
  void cleanup_dropsExpiredAndMalformedEntries_andLogsPostfixStatistics() throws Exception {
    DictCache cache = new DictCache.Memory();
    AddressVerifier v = verifier(cache, true);
    v.update("old@example.com", AddressStatus.BOUNCE, "no");
    now = now.plus(Duration.ofDays(3)).plusSeconds(1);
    v.update("new@example.com", AddressStatus.OK, "ok");
    cache.put("junk@example.com", "nonsense");

    v.cleanup();

    assertThat(cache.entries()).extracting(e -> e.key()).containsExactly("new@example.com");
    assertThat(Files.readString(dir.resolve("maillog"))).contains("]: cache lmdb:"
        + dir.resolve("verify_cache") + " full cleanup: retained=1 dropped=2 entries");
  }

  @Test
  void cacheEntry_malformedValues_areNotParsed() {
    assertThat(CacheEntry.parse("0:0:0:x")).isEmpty();
    assertThat(CacheEntry.parse("9:1:1:x")).isEmpty();
    assertThat(CacheEntry.parse("0:1:x")).isEmpty();
    assertThat(CacheEntry.parse("2:0:5:host said: 550 a:b"))
        .contains(new CacheEntry(AddressStatus.BOUNCE, 0, 5, "host said: 550 a:b"));
  }

  @Test
  void probeSender_withTtl_appendsBase31TimeStampToLocalPart() {
    ProbeSenderAddress a = new ProbeSenderAddress("double-bounce@example.com", Duration.ofSeconds(10),
        Clock.fixed(Instant.ofEpochSecond(31 * 31 * 10 + 10), ZoneOffset.UTC));

    assertThat(a.current()).isEqualTo("double-bounce101@example.com");
    assertThat(ProbeSenderAddress.base31(30)).isEqualTo("Z");
    assertThat(new ProbeSenderAddress("<>", Duration.ofSeconds(10), clock).current()).isEmpty();
  }
}
