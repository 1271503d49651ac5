package org.postern.postscreen;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * postscreen's temporary allow-list ({@code postscreen_cache_map}): per client address, when
 * each passed test expires. A client whose enabled tests are all unexpired is {@code PASS OLD}
 * and goes straight to smtpd. An entry is forgotten once every test in it expired more than
 * {@code postscreen_cache_retention_time} ago.
 *
 * <p>The cache lives in the memory of the postscreen service, shared by its listeners; it is not
 * written to the table {@code postscreen_cache_map} names, so a restart or reload forgets it
 * (clients then pass the tests again). An empty {@code postscreen_cache_map} turns it off, as in
 * Postfix.
 */
final class ScreenCache {
  private final Map<String, Map<ScreenTest, Instant>> entries = new ConcurrentHashMap<>();
  private final Duration retention;

  ScreenCache(Duration retention) {
    this.retention = retention;
  }

  /** The expiry times of the tests {@code address} passed; empty for a client never seen. */
  Optional<Map<ScreenTest, Instant>> find(String address, Instant now) {
    Map<ScreenTest, Instant> found = entries.get(address);
    if (found == null) {
      return Optional.empty();
    }
    boolean retained = found.values().stream().anyMatch(t -> t.plus(retention).isAfter(now));
    if (!retained) {
      entries.remove(address, found);
      return Optional.empty();
    }
    return Optional.of(new EnumMap<>(found));
  }

  void update(String address, Map<ScreenTest, Instant> expiries) {
    entries.put(address, expiries.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(expiries)));
  }
}
