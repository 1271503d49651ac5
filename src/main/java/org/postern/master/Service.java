package org.postern.master;

import java.io.IOException;
import java.time.Duration;

/**
 * One running master.cf service: an smtpd listener, the pickup scanner, qmgr. The master starts
 * it, reloads it when main.cf or its master.cf entry changes, and stops it gracefully. In Postfix
 * each is a pool of processes; here it is an in-process component that decides what a "process"
 * is (for smtpd a session) and takes a permit of {@link ServiceContext#processLimit()} for each.
 *
 * <p>Lifecycle, in Jetty's manner: {@link #start} once; then any number of {@link #reload}; then
 * {@link #stop} once. The master calls these from one thread at a time.
 *
 * <p>Failure: {@link #start} throws when the service cannot run (a port in use, a key file
 * missing); at master start-up that is fatal, at reload the master logs it and carries on with
 * the other services.
 */
public interface Service {
  /** {@code service/type}, the master.cf name of the entry this runs. */
  String name();

  /** Opens what the service listens on and starts its work; returns once it is accepting. */
  void start() throws IOException;

  /**
   * Stops accepting new work at once (closing listeners first, so a successor can bind), then
   * waits up to {@code grace} for work in flight to finish, then abandons what is left.
   */
  void stop(Duration grace) throws InterruptedException;

  /**
   * Takes {@code next} (a new main.cf or master.cf entry) without dropping work in flight.
   * Returns false when this service cannot change in place; the master then stops it and starts
   * a new one from its factory. Work already in progress keeps the settings it started with.
   */
  default boolean reload(ServiceContext next) throws IOException {
    return false;
  }
}
