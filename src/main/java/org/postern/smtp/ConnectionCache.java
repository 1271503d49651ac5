package org.postern.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.tls.TlsSecurityLevel;

/**
 * Open sessions kept for the next delivery to the same destination, Postfix's scache: keyed by
 * transport, next hop, TLS level and REQUIRETLS action, so that a session is never reused under a
 * policy stricter than the one it was checked against. Like scache it keeps several idle sessions
 * per key: concurrent deliveries to one destination each return their session, and the next
 * deliveries pick them up (most recently used first) instead of replacing one another's. A
 * session is reused at most {@code reuseCountLimit} times (0: unlimited) and within {@code
 * reuseTimeLimit} of its creation; one that sat idle longer than {@code idleLimit} is closed. The
 * caller decides which sessions may be stored at all ({@code smtp_tls_connection_reuse},
 * {@code smtp_connection_cache_on_demand}, {@code smtp_connection_cache_destinations}).
 */
final class ConnectionCache implements AutoCloseable {
  /**
   * What a session must share with a delivery to be reused for it; {@code smtputf8} whether the
   * delivery needs SMTPUTF8, as in Postfix's cache key, so that mail that does not need it is not
   * sent over a session opened for mail that did (on a lower-preference MX host).
   */
  record Key(
      String transport, String nexthop, TlsSecurityLevel level, String requireTls,
      boolean smtputf8) {}

  private record Idle(SmtpSession session, Instant since) {}

  private final Map<Key, Deque<Idle>> idle = new HashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Clock clock;
  private final Duration idleLimit;
  private final Duration reuseTimeLimit;
  private final int reuseCountLimit;
  private final Duration quitTimeout;

  ConnectionCache(
      Clock clock, Duration idleLimit, Duration reuseTimeLimit, int reuseCountLimit,
      Duration quitTimeout) {
    this.clock = clock;
    this.idleLimit = idleLimit;
    this.reuseTimeLimit = reuseTimeLimit;
    this.reuseCountLimit = reuseCountLimit;
    this.quitTimeout = quitTimeout;
  }

  /** A session for {@code key}, if one is cached and still within its limits. */
  Optional<SmtpSession> take(Key key) {
    closeExpired();
    lock.lock();
    try {
      Deque<Idle> sessions = idle.get(key);
      Idle found = sessions == null ? null : sessions.pollFirst();
      if (sessions != null && sessions.isEmpty()) {
        idle.remove(key);
      }
      return Optional.ofNullable(found).map(Idle::session);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Keeps {@code session} for reuse, or says goodbye when it is used up: {@code uses} counts its
   * transactions, so a session may carry {@code reuseCountLimit + 1} of them, as in Postfix
   * where the limit counts reuses.
   */
  void put(Key key, SmtpSession session) {
    if (reuseCountLimit > 0 && session.uses() > reuseCountLimit
        || !clock.instant().isBefore(session.created().plus(reuseTimeLimit))) {
      session.quit(quitTimeout);
      return;
    }
    lock.lock();
    try {
      idle.computeIfAbsent(key, k -> new ArrayDeque<>())
          .addFirst(new Idle(session, clock.instant()));
    } finally {
      lock.unlock();
    }
  }

  private boolean expired(Idle i, Instant now) {
    return now.isAfter(i.since().plus(idleLimit))
        || !now.isBefore(i.session().created().plus(reuseTimeLimit));
  }

  /** Closes sessions idle past their limit. */
  void closeExpired() {
    List<Idle> gone = new ArrayList<>();
    Instant now = clock.instant();
    lock.lock();
    try {
      for (Deque<Idle> sessions : idle.values()) {
        sessions.removeIf(i -> expired(i, now) && gone.add(i));
      }
      idle.values().removeIf(Deque::isEmpty);
    } finally {
      lock.unlock();
    }
    gone.forEach(i -> i.session().quit(quitTimeout));
  }

  @Override
  public void close() {
    List<Idle> all = new ArrayList<>();
    lock.lock();
    try {
      idle.values().forEach(all::addAll);
      idle.clear();
    } finally {
      lock.unlock();
    }
    all.forEach(i -> i.session().quit(quitTimeout));
  }
}
