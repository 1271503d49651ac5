package org.postern.smtpd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Postfix's anvil(8) connection counters, kept inside smtpd: per client address, the number of
 * open connections and the number of connections in the current {@code anvil_rate_time_unit}
 * window (the window starts at the first connection and restarts after one unit, as anvil's
 * does).
 *
 * <p>Thread-safe: sessions connect and disconnect from their own threads.
 */
final class Anvil {
  /** The counts after one connection: open connections and the connection rate. */
  record Counts(int count, int rate) {
    /**
     * The limit this connection exceeds, as Postfix names it in its warning ({@code concurrency}
     * or {@code rate}) with the offending value; empty within limits (a limit of 0 is none).
     */
    Optional<String> exceeded(SmtpdSettings.ClientLimits limits) {
      if (limits.connectionCountLimit() > 0 && count > limits.connectionCountLimit()) {
        return Optional.of("concurrency limit exceeded: " + count);
      }
      if (limits.connectionRateLimit() > 0 && rate > limits.connectionRateLimit()) {
        return Optional.of("rate limit exceeded: " + rate);
      }
      return Optional.empty();
    }
  }

  private static final class Client {
    int count;
    int rate;
    Instant windowStart;
  }

  private final Clock clock;
  private final Duration unit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Client> clients = new HashMap<>();

  Anvil(Clock clock, Duration unit) {
    this.clock = clock;
    this.unit = unit;
  }

  /** Counts a new connection from {@code address}; call {@link #disconnect} when it ends. */
  Counts connect(String address) {
    lock.lock();
    try {
      Instant now = clock.instant();
      clients.values().removeIf(old -> old.count <= 0 && !now.isBefore(old.windowStart.plus(unit)));
      Client c = clients.computeIfAbsent(address, a -> new Client());
      if (c.windowStart == null || !now.isBefore(c.windowStart.plus(unit))) {
        c.windowStart = now;
        c.rate = 0;
      }
      c.count++;
      c.rate++;
      return new Counts(c.count, c.rate);
    } finally {
      lock.unlock();
    }
  }

  void disconnect(String address) {
    lock.lock();
    try {
      Client c = clients.get(address);
      if (c == null) {
        return;
      }
      c.count--;
      if (c.count <= 0 && !clock.instant().isBefore(c.windowStart.plus(unit))) {
        clients.remove(address);
      }
    } finally {
      lock.unlock();
    }
  }
}
