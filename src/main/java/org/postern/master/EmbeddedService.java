package org.postern.master;

import java.time.Duration;

/**
 * A master.cf entry whose daemon runs inside another service's threads: the delivery transports
 * ({@code local}, {@code relay}, {@code retry}...), trivial-rewrite and bounce run in qmgr's.
 * qmgr makes them from these entries; the entry is a service here only so the master accounts
 * for it and does not report it missing. A change to such an entry takes effect when qmgr is
 * reloaded (any main.cf change reloads it).
 */
final class EmbeddedService implements Service {
  private final ServiceContext context;

  EmbeddedService(ServiceContext context) {
    this.context = context;
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() {
    // Nothing of its own listens or runs: its host service calls it in process.
  }

  @Override
  public void stop(Duration grace) {
    // Work in flight belongs to the host service, which waits for it.
  }

  @Override
  public boolean reload(ServiceContext next) {
    return true;
  }
}
