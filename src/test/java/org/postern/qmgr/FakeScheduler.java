package org.postern.qmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** Records timers; a test fires the due ones after moving the {@link FakeClock}. */
final class FakeScheduler implements Scheduler {
  record Task(Instant due, Duration delay, Runnable action, boolean[] cancelled) {}

  private final FakeClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();

  FakeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    lock.lock();
    try {
      tasks.add(new Task(clock.instant().plus(delay), delay, task, cancelled));
    } finally {
      lock.unlock();
    }
    return () -> cancelled[0] = true;
  }

  /** The delays of timers not yet fired or cancelled. */
  List<Duration> pendingDelays() {
    lock.lock();
    try {
      return tasks.stream().filter(t -> !t.cancelled()[0]).map(Task::delay).toList();
    } finally {
      lock.unlock();
    }
  }

  /** Runs every timer due at the clock's time; returns how many ran. */
  int fireDue() {
    List<Task> due = new ArrayList<>();
    lock.lock();
    try {
      for (Task t : List.copyOf(tasks)) {
        if (!t.due().isAfter(clock.instant())) {
          tasks.remove(t);
          if (!t.cancelled()[0]) {
            due.add(t);
          }
        }
      }
    } finally {
      lock.unlock();
    }
    due.forEach(t -> t.action().run());
    return due.size();
  }
}
