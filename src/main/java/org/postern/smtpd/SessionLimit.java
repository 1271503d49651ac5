package org.postern.smtpd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The session limit of one master.cf smtpd entry, shared by every listener of the entry (one per
 * {@code inet_interfaces} address), and Postfix's stress mode (STRESS_README).
 *
 * <p>{@code maxproc} sessions run as usual. When a client arrives and all are taken, the entry
 * is under stress: as Postfix's master, it logs that the service {@code has reached its process
 * limit} (at most once in {@link #STRESS_PERIOD}), and every session that starts from then until
 * the limit has not been reached for {@link #STRESS_PERIOD} runs with {@code stress=yes}, so
 * that {@code ${stress?...}} defaults apply ({@code smtpd_timeout} 10s, {@code
 * smtpd_hard_error_limit} 1). Postfix's master then stops accepting and clients wait in the
 * listen queue, unanswered; Postern's sessions are virtual threads, so it goes on: up to {@link
 * #OVERLOAD_FACTOR} times {@code maxproc} sessions in all, the ones past the limit also in stress
 * mode, so that a fresh client gets its greeting while slow ones hold the regular sessions.
 * Beyond that, a client is answered at once, as postscreen answers when every smtpd is busy.
 *
 * <p>Thread-safe: the listeners admit and their sessions release concurrently.
 *
 * <p>Failure: none; a client past every limit is refused, never left waiting.
 */
public final class SessionLimit {
  /** How long stress mode outlasts the last time the limit was reached (Postfix's 1000 s). */
  public static final Duration STRESS_PERIOD = Duration.ofSeconds(1000);

  /** Sessions in all, in stress mode past {@code maxproc}, as a multiple of {@code maxproc}. */
  public static final int OVERLOAD_FACTOR = 50;

  /** The most the kernel takes (net.core.somaxconn's usual ceiling). */
  private static final int MAX_BACKLOG = 4096;

  /**
   * A session let in: whether it holds one of the {@code maxproc} permits (else an overload
   * place), and whether it runs in stress mode.
   */
  public record Admission(boolean permit, boolean stressed) {}

  private final Semaphore permits;
  private final int limit;
  private final int overload;
  private final String service;
  private final Consumer<String> masterWarnings;
  private final Clock clock;
  private final AtomicInteger overloaded = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private Instant stressUntil = Instant.MIN;
  private Instant warned = Instant.MIN;

  /**
   * @param permits the entry's {@code maxproc} permits, shared by its listeners
   * @param limit {@code maxproc}; {@link Integer#MAX_VALUE} for no limit ({@code 0})
   * @param service how the warning names the entry: {@code "smtp" (25)}
   * @param masterWarnings the master's log, for its warnings (without {@code warning: })
   * @param clock when stress mode starts and ends
   */
  public SessionLimit(Semaphore permits, int limit, String service, Consumer<String> masterWarnings,
      Clock clock) {
    this.permits = permits;
    this.limit = limit;
    this.overload = limit == Integer.MAX_VALUE ? 0
        : (int) Math.min(Integer.MAX_VALUE - limit, (long) limit * (OVERLOAD_FACTOR - 1));
    this.service = service;
    this.masterWarnings = masterWarnings;
    this.clock = clock;
  }

  /** A limit of its own, for an smtpd outside the master. */
  static SessionLimit standalone(int limit, Consumer<String> warnings) {
    return new SessionLimit(new Semaphore(limit), limit, "\"smtp\"", warnings, Clock.systemUTC());
  }

  /** Lets a new client in, or not (empty): it is then to be refused at once. */
  public Optional<Admission> admit() {
    Instant now = clock.instant();
    if (permits.tryAcquire()) {
      return Optional.of(new Admission(true, stressed(now)));
    }
    reached(now);
    if (overloaded.incrementAndGet() <= overload) {
      return Optional.of(new Admission(false, true));
    }
    overloaded.decrementAndGet();
    return Optional.empty();
  }

  /** Gives back what {@code admission} took. */
  public void release(Admission admission) {
    if (admission.permit()) {
      permits.release();
    } else {
      overloaded.decrementAndGet();
    }
  }

  /** The listen backlog: room for a burst as large as the sessions allowed, within the kernel's. */
  public int backlog() {
    return (int) Math.min(MAX_BACKLOG, Math.max(100L, (long) limit + overload));
  }

  private boolean stressed(Instant now) {
    lock.lock();
    try {
      return now.isBefore(stressUntil);
    } finally {
      lock.unlock();
    }
  }

  /** All {@code maxproc} sessions are busy: stress mode from now on, and the master's warning. */
  private void reached(Instant now) {
    lock.lock();
    try {
      stressUntil = now.plus(STRESS_PERIOD);
      if (!now.isBefore(warned.plus(STRESS_PERIOD))) {
        warned = now;
        masterWarnings.accept("service " + service + " has reached its process limit \"" + limit
            + "\": new clients may experience noticeable delays");
        masterWarnings.accept("to avoid this condition, increase the process count in master.cf"
            + " or reduce the service time per client");
        masterWarnings.accept("see https://www.postfix.org/STRESS_README.html for examples of"
            + " stress-adapting configuration settings");
      }
    } finally {
      lock.unlock();
    }
  }
}
