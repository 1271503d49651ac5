package org.postern.postscreen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.DictCache;

class ScreenCacheTest {
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  private static final Predicate<ScreenTest> EARLY =
      Set.of(ScreenTest.PREGREET, ScreenTest.DNSBL)::contains;

  @TempDir Path dir;
  private final List<String> log = new ArrayList<>();

  private static Map<ScreenTest, Instant> expiries(ScreenTest test, Instant expiry) {
    Map<ScreenTest, Instant> m = new EnumMap<>(ScreenTest.class);
    m.put(test, expiry);
    return m;
  }

  @Test
  void format_isPostfixRecord_newForEnabledAndDisabledForOffTests() {
    ScreenCache cache = new ScreenCache(new DictCache.Memory(), "internal:x", EARLY,
        Duration.ofDays(7), log::add);

    assertThat(cache.format(expiries(ScreenTest.PREGREET, NOW)))
        .isEqualTo("1800000000;0;1;1;1");
  }

  @Test
  void format_defaultTests_isWhatPostfix312WritesAfterPassNew() {
    // postmap -s on the 3.12 peer's cache after PASS NEW with only the pregreet test on.
    ScreenCache cache = new ScreenCache(new DictCache.Memory(), "internal:x",
        t -> t == ScreenTest.PREGREET, Duration.ofDays(7), log::add);

    assertThat(cache.format(expiries(ScreenTest.PREGREET, Instant.ofEpochSecond(1796665856L))))
        .isEqualTo("1796665856;1;1;1;1");
  }

  @Test
  void parse_neverPassedIsLeftOut_missingOrMalformedFieldsAreDisabled() {
    assertThat(ScreenCache.parse("1800000000;0;x;;99999999999999999999")).containsExactly(
        Map.entry(ScreenTest.PREGREET, NOW),
        Map.entry(ScreenTest.PIPELINING, Instant.ofEpochSecond(1)),
        Map.entry(ScreenTest.NON_SMTP_COMMAND, Instant.ofEpochSecond(1)),
        Map.entry(ScreenTest.BARE_NEWLINE, Instant.ofEpochSecond(1)));
    assertThat(ScreenCache.parse("7")).containsEntry(ScreenTest.PREGREET, Instant.ofEpochSecond(7))
        .containsEntry(ScreenTest.BARE_NEWLINE, Instant.ofEpochSecond(1)).hasSize(5);
  }

  @Test
  void lmdbCache_survivesReopening_andBtreeIsKeptAsLmdbWithANotice() throws Exception {
    String spec = "btree:" + dir.resolve("postscreen_cache");
    try (ScreenCache cache = ScreenCache.open(spec, EARLY, Duration.ofDays(7), log::add)) {
      cache.update("192.0.2.1", expiries(ScreenTest.PREGREET, NOW));
    }

    try (ScreenCache cache = ScreenCache.open(spec, EARLY, Duration.ofDays(7), log::add)) {
      assertThat(cache.find("192.0.2.1")).get()
          .isEqualTo(Map.of(ScreenTest.PREGREET, NOW, ScreenTest.PIPELINING,
              Instant.ofEpochSecond(1), ScreenTest.NON_SMTP_COMMAND, Instant.ofEpochSecond(1),
              ScreenTest.BARE_NEWLINE, Instant.ofEpochSecond(1)));
      assertThat(cache.find("192.0.2.2")).isEmpty();
    }
    assertThat(dir.resolve("postscreen_cache.lmdb")).isRegularFile();
    assertThat(log).containsOnly("postscreen_cache_map: " + spec + " is kept as lmdb:"
        + dir.resolve("postscreen_cache"));
  }

  @Test
  void cleanup_dropsEntriesWithAnEnabledTestExpiredBeyondRetention_andLogsPostfixLine()
      throws Exception {
    DictCache store = new DictCache.Memory();
    ScreenCache cache = new ScreenCache(store, "btree:/var/lib/postfix/postscreen_cache",
        t -> t == ScreenTest.PREGREET, Duration.ofDays(7), log::add);
    // Expired, but within the retention time: kept, so that the client is not "new" again.
    store.put("192.0.2.1", (NOW.getEpochSecond() - 6 * 86400) + ";0;1;1;1");
    store.put("192.0.2.2", (NOW.getEpochSecond() - 8 * 86400) + ";0;1;1;1");
    store.put("192.0.2.3", "0;0;1;1;1");
    // The disabled DNSBL test's stamp does not count.
    store.put("192.0.2.4", (NOW.getEpochSecond() + 60) + ";1;1;1;1");

    cache.cleanup(NOW);

    assertThat(store.entries()).extracting(e -> e.key()).containsExactly("192.0.2.1", "192.0.2.4");
    assertThat(log).containsExactly("cache btree:/var/lib/postfix/postscreen_cache full cleanup:"
        + " retained=2 dropped=2 entries");
  }
}
