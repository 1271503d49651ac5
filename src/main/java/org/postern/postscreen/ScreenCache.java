package org.postern.postscreen;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.postern.table.DictCache;
import org.postern.table.TableEntry;
import org.postern.table.TableException;

/**
 * postscreen's temporary allow-list ({@code postscreen_cache_map}): per client address, when
 * each passed test expires. A client whose enabled tests are all unexpired is {@code PASS OLD}
 * and goes straight to smtpd.
 *
 * <p>Entries live in a {@link DictCache}, so an lmdb: map (and Postfix's default {@code
 * btree:$data_directory/postscreen_cache}, kept as lmdb:) survives restarts and reloads. The key
 * is the client address, the value Postfix's record {@code pregreet;dnsbl;pipelining;
 * non_smtp_command;bare_newline} of expiry times in seconds since the epoch: 0 for a test never
 * passed, 1 for a test that was disabled when the record was written (it is due when enabled,
 * without making the client "new"). A missing or malformed field reads as 1, as for records of
 * older Postfix versions.
 *
 * <p>A {@link #cleanup} run ({@code postscreen_cache_cleanup_interval}) drops an entry once some
 * enabled test in it expired more than {@code postscreen_cache_retention_time} ago, as Postfix's
 * cache validator does; lookups never drop entries.
 *
 * <p>Failure: a lookup that cannot be read logs a warning and the client is treated as new; an
 * update that cannot be written logs a warning and the session goes on.
 */
final class ScreenCache implements AutoCloseable {
  private static final long NEW = 0;
  private static final long DISABLED = 1;

  private final DictCache store;
  private final String name;
  private final Predicate<ScreenTest> enabled;
  private final Duration retention;
  private final Consumer<String> log;

  /**
   * A cache over {@code store}, called {@code name} in the cleanup line; {@code enabled} says
   * which tests this configuration runs.
   */
  ScreenCache(DictCache store, String name, Predicate<ScreenTest> enabled, Duration retention,
      Consumer<String> log) {
    this.store = store;
    this.name = name;
    this.enabled = enabled;
    this.retention = retention;
    this.log = log;
  }

  /** The cache {@code postscreen_cache_map} = {@code spec} names (not empty). */
  static ScreenCache open(String spec, Predicate<ScreenTest> enabled, Duration retention,
      Consumer<String> log) throws TableException {
    return new ScreenCache(DictCache.open("postscreen_cache_map", spec, log), spec, enabled,
        retention, log);
  }

  /** The expiry times of the tests {@code address} passed; empty for a client never seen. */
  Optional<Map<ScreenTest, Instant>> find(String address) {
    try {
      return store.get(address).map(ScreenCache::parse);
    } catch (TableException e) {
      log.accept("warning: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Records {@code expiries} for {@code address}; a test not in it was never passed. */
  void update(String address, Map<ScreenTest, Instant> expiries) {
    try {
      store.put(address, format(expiries));
    } catch (TableException e) {
      log.accept("warning: " + e.getMessage());
    }
  }

  /** One full cleanup run at {@code now}, logged as Postfix's. */
  void cleanup(Instant now) {
    Instant oldest = now.minus(retention);
    try {
      store.cleanup(name, e -> retained(e, oldest), log);
    } catch (TableException e) {
      log.accept("warning: " + name + ": cache cleanup scan terminated due to error: "
          + e.getMessage());
    }
  }

  private boolean retained(TableEntry entry, Instant oldest) {
    Map<ScreenTest, Instant> expiries = parse(entry.value());
    for (ScreenTest t : ScreenTest.values()) {
      Instant expiry = expiries.get(t);
      if (enabled.test(t) && (expiry == null || expiry.isBefore(oldest))) {
        return false;
      }
    }
    return true;
  }

  /** Postfix's record; a test missing from {@code expiries} is new, or disabled if it is off. */
  String format(Map<ScreenTest, Instant> expiries) {
    StringJoiner j = new StringJoiner(";");
    for (ScreenTest t : ScreenTest.values()) {
      Instant expiry = expiries.get(t);
      j.add(Long.toString(expiry != null ? expiry.getEpochSecond()
          : enabled.test(t) ? NEW : DISABLED));
    }
    return j.toString();
  }

  /** Postfix's record as expiry times; a test never passed (0) is left out. */
  static Map<ScreenTest, Instant> parse(String value) {
    String[] fields = value.split(";", -1);
    Map<ScreenTest, Instant> expiries = new EnumMap<>(ScreenTest.class);
    for (ScreenTest t : ScreenTest.values()) {
      long stamp = t.ordinal() < fields.length ? stamp(fields[t.ordinal()]) : DISABLED;
      if (stamp != NEW) {
        expiries.put(t, Instant.ofEpochSecond(stamp));
      }
    }
    return expiries;
  }

  private static long stamp(String field) {
    if (field.isEmpty() || !field.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return DISABLED;
    }
    try {
      long stamp = Long.parseLong(field);
      return stamp <= Instant.MAX.getEpochSecond() ? stamp : DISABLED;
    } catch (NumberFormatException e) {
      return DISABLED; // beyond the range of a time stamp
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
