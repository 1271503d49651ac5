package org.postern.log;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The numbers in {@code program[N]} for the "processes" of one master: Postfix runs each smtpd
 * session, delivery agent run, qmgr and cleanup in a process of its own, and log tools pair
 * {@code connect from} with {@code disconnect from} (and a delivery's lines) by {@code
 * program[pid]}. Postern runs them in one JVM, so each gets a number of its own instead: the
 * master logs under its real PID, and every other process takes the next number above 4194304,
 * the largest PID Linux can ever hand out ({@code PID_MAX_LIMIT}), so a
 * process number never equals the PID of a real process, Postern's commands included. The
 * numbers count up for the life of the master and wrap back to the first one after {@link
 * Integer#MAX_VALUE}, as PIDs wrap.
 *
 * <p>Failure: none; taking a number never blocks. Thread safety: any thread may take one.
 */
public final class ProcessNumbers {
  /** Linux's {@code PID_MAX_LIMIT} (2^22): no real PID is larger. */
  static final long FIRST_MINUS_ONE = 4_194_304;

  private final AtomicLong last = new AtomicLong(FIRST_MINUS_ONE);

  /** The next process number; never the same as that of a process still in its first 2^31. */
  long next() {
    return last.updateAndGet(n -> n >= Integer.MAX_VALUE ? FIRST_MINUS_ONE + 1 : n + 1);
  }
}
