package org.postern.qmgr;

import java.time.Duration;

/**
 * The production {@link Scheduler}: each task waits on its own virtual thread, which costs
 * nothing while it sleeps; cancel interrupts the sleep. No pool, no shared state.
 */
public final class VirtualThreadScheduler implements Scheduler {
  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    Thread t = Thread.ofVirtual().name("qmgr-timer").start(() -> {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // cancelled: the thread ends here
        return;
      }
      task.run();
    });
    return t::interrupt;
  }
}
