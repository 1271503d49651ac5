package org.postern.qmgr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One per-destination queue of Postfix's scheduler (SCHEDULER_README): the deliveries of one
 * transport to one next hop (or, for a transport with recipient limit 1, to one recipient), run
 * within a concurrency window.
 *
 * <p>The window starts at {@code initial_destination_concurrency} and moves with feedback: +1
 * after a delivery that reached the destination, -1 (never below 1) after one that failed as a
 * whole, between 1 and {@code destination_concurrency_limit}. Each failure also adds 1/window to
 * a count of failed pseudo-cohorts, reset by any success; when that count reaches {@code
 * destination_concurrency_failed_cohort_limit}, the destination is declared dead and its mail is
 * deferred without a delivery attempt ("delivery temporarily suspended") for {@code
 * minimal_backoff_time}, or until a {@code postqueue -f} flush.
 */
final class Destination {
  /** Why a dead destination's mail is deferred, as the last failure said it. */
  record Suspension(String dsn, String reason) {}

  private final int limit;
  private final int initial;
  private final int failedCohortLimit;
  private final Duration deadTime;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition slotFree = lock.newCondition();
  private int window;
  private int busy;
  private double failedCohorts;
  private Instant deadUntil = Instant.MIN;
  private Suspension suspension;

  Destination(int limit, int initial, int failedCohortLimit, Duration deadTime, Clock clock) {
    this.limit = limit <= 0 ? Integer.MAX_VALUE : limit;
    this.initial = Math.max(1, Math.min(initial, this.limit));
    this.failedCohortLimit = Math.max(1, failedCohortLimit);
    this.deadTime = deadTime;
    this.clock = clock;
    this.window = this.initial;
  }

  /**
   * Waits for a delivery slot. Returns the suspension instead when the destination is dead; the
   * caller then defers without delivering and must not {@link #release}.
   */
  Optional<Suspension> acquire() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (suspension != null) {
          if (clock.instant().isBefore(deadUntil)) {
            return Optional.of(suspension);
          }
          revive();
        }
        if (busy < window) {
          busy++;
          return Optional.empty();
        }
        slotFree.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Ends a delivery that reached the destination: positive feedback. */
  void succeeded() {
    lock.lock();
    try {
      busy--;
      failedCohorts = 0;
      window = Math.min(limit, window + 1);
      slotFree.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Frees the slot of a delivery that ended without an outcome (interrupted): no feedback. */
  void abandon() {
    lock.lock();
    try {
      busy--;
      slotFree.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends a delivery that failed as a whole: negative feedback, perhaps throttling. */
  void failed(String dsn, String reason) {
    lock.lock();
    try {
      busy--;
      failedCohorts += 1.0 / window;
      window = Math.max(1, window - 1);
      if (failedCohorts >= failedCohortLimit && suspension == null) {
        suspension = new Suspension(dsn, "delivery temporarily suspended: " + reason);
        deadUntil = clock.instant().plus(deadTime);
      }
      slotFree.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // Visible for testing
  int window() {
    lock.lock();
    try {
      return window;
    } finally {
      lock.unlock();
    }
  }

  private void revive() {
    suspension = null;
    failedCohorts = 0;
    window = initial;
    slotFree.signalAll();
  }
}
