package org.postern.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.tls.TlsSecurityLevel;

/**
 * Open sessions kept for the next delivery to the same destination, Postfix's scache: keyed by
 * transport, next hop, TLS level and REQUIRETLS action, so that a session is never reused under a
 * policy stricter than the one it was checked against. A session is reused at most {@code
 * reuseCountLimit} times (0: unlimited) and within {@code reuseTimeLimit} of its creation; one
 * that sat idle longer than {@code idleLimit} is closed. Only sessions that met every requirement
 * and completed a transaction are stored.
 */
final class ConnectionCache implements AutoCloseable {
  /** What a session must share with a delivery to be reused for it. */
  record Key(String transport, String nexthop, TlsSecurityLevel level, String requireTls) {}

  private record Idle(SmtpSession session, Instant since) {}

  private final Map<Key, Idle> idle = new HashMap<>();
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
    Idle found;
    lock.lock();
    try {
      found = idle.remove(key);
    } finally {
      lock.unlock();
    }
    closeExpired();
    if (found == null) {
      return Optional.empty();
    }
    if (expired(found)) {
      found.session().quit(quitTimeout);
      return Optional.empty();
    }
    return Optional.of(found.session());
  }

  /** Keeps {@code session} for reuse, or says goodbye when it is used up. */
  void put(Key key, SmtpSession session) {
    if (reuseCountLimit > 0 && session.uses() >= reuseCountLimit
        || !clock.instant().isBefore(session.created().plus(reuseTimeLimit))) {
      session.quit(quitTimeout);
      return;
    }
    Idle previous;
    lock.lock();
    try {
      previous = idle.put(key, new Idle(session, clock.instant()));
    } finally {
      lock.unlock();
    }
    if (previous != null) {
      previous.session().quit(quitTimeout);
    }
  }

  private boolean expired(Idle i) {
    Instant now = clock.instant();
    return now.isAfter(i.since().plus(idleLimit))
        || !now.isBefore(i.session().created().plus(reuseTimeLimit));
  }

  /** Closes sessions idle past their limit. */
  void closeExpired() {
    List<Idle> gone = new ArrayList<>();
    lock.lock();
    try {
      idle.values().removeIf(i -> expired(i) && gone.add(i));
    } finally {
      lock.unlock();
    }
    gone.forEach(i -> i.session().quit(quitTimeout));
  }

  @Override
  public void close() {
    List<Idle> all;
    lock.lock();
    try {
      all = new ArrayList<>(idle.values());
      idle.clear();
    } finally {
      lock.unlock();
    }
    all.forEach(i -> i.session().quit(quitTimeout));
  }
}
