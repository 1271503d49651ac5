package org.postern.qmgr;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;

/**
 * The in-memory scheduler state shared by all messages in the active queue: one {@link
 * Destination} per (transport, queue name) and one process-limit semaphore per transport
 * ({@code maxproc}). Dead destinations are forgotten on a flush, as Postfix's {@code F} request
 * does.
 */
final class Destinations {
  private final TransportLimits limits;
  private final Transports transports;
  private final Duration deadTime;
  private final Clock clock;
  private final ConcurrentMap<String, Destination> destinations = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Semaphore> processes = new ConcurrentHashMap<>();

  Destinations(TransportLimits limits, Transports transports, Duration deadTime, Clock clock) {
    this.limits = limits;
    this.transports = transports;
    this.deadTime = deadTime;
    this.clock = clock;
  }

  Destination destination(String transport, String queueName) {
    return destinations.computeIfAbsent(transport + "\0" + queueName, k -> new Destination(
        limits.concurrencyLimit(transport), limits.initialConcurrency(transport),
        limits.failedCohortLimit(transport), deadTime, clock));
  }

  /** The semaphore bounding concurrent deliveries over {@code transport}. */
  Semaphore processes(String transport) {
    return processes.computeIfAbsent(
        transport, t -> new Semaphore(Math.max(1, transports.processLimit(t)), true));
  }

  /** Forgets every destination's state, dead or alive (deliveries in flight keep their own). */
  void flushDead() {
    destinations.clear();
  }
}
