package org.postern.qmgr;

import java.time.Duration;

/**
 * Runs a task after a delay: the queue manager's timers ({@code queue_run_delay}). An interface so
 * that tests fire timers by hand instead of sleeping; {@link VirtualThreadScheduler} is the real
 * one.
 */
public interface Scheduler {
  /** A task that has not run yet can be cancelled; cancelling a task that ran does nothing. */
  interface Scheduled {
    void cancel();
  }

  Scheduled schedule(Duration delay, Runnable task);
}
