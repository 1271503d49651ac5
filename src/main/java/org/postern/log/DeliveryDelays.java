package org.postern.log;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code delay=} and {@code delays=a/b/c/d} figures of a delivery status line: total delay,
 * time before the queue manager (a), time in the queue manager (b), connection setup (c) and
 * transmission (d). {@link #between} derives them from the message's time stamps as Postfix does,
 * charging a missing later stage to the last one that happened and clamping clock jumps to zero.
 */
public record DeliveryDelays(
    Duration delay,
    Duration beforeQueueManager,
    Duration inQueueManager,
    Duration connectionSetup,
    Duration transmission) {

  public DeliveryDelays {
    delay = clamp(delay);
    beforeQueueManager = clamp(beforeQueueManager);
    inQueueManager = clamp(inQueueManager);
    connectionSetup = clamp(connectionSetup);
    transmission = clamp(transmission);
  }

  /**
   * From time stamps: message arrival, entry into the active queue, hand-off to the delivery agent,
   * connection set up, and the end of delivery ({@code done}). An absent stamp means the stage
   * never happened, for example a bounce by cleanup (no active queue) or a local delivery (no
   * connection).
   */
  public static DeliveryDelays between(
      Instant incomingArrival,
      Optional<Instant> activeArrival,
      Optional<Instant> agentHandoff,
      Optional<Instant> connectionSetupDone,
      Instant done) {
    Duration zero = Duration.ZERO;
    Duration delay = Duration.between(incomingArrival, done);
    if (activeArrival.isEmpty()) {
      return new DeliveryDelays(delay, delay, zero, zero, zero);
    }
    Instant active = activeArrival.get();
    Duration before = Duration.between(incomingArrival, active);
    if (agentHandoff.isEmpty()) {
      return new DeliveryDelays(delay, before, Duration.between(active, done), zero, zero);
    }
    Instant handoff = agentHandoff.get();
    Duration inQmgr = Duration.between(active, handoff);
    if (connectionSetupDone.isEmpty()) {
      return new DeliveryDelays(delay, before, inQmgr, zero, Duration.between(handoff, done));
    }
    Instant setup = connectionSetupDone.get();
    return new DeliveryDelays(
        delay, before, inQmgr, Duration.between(handoff, setup), Duration.between(setup, done));
  }

  /** {@code delay=N, delays=a/b/c/d} with {@code delay_logging_resolution_limit} digits at most. */
  String format(int resolutionLimit) {
    return "delay="
        + seconds(delay, resolutionLimit)
        + ", delays="
        + seconds(beforeQueueManager, resolutionLimit)
        + "/"
        + seconds(inQueueManager, resolutionLimit)
        + "/"
        + seconds(connectionSetup, resolutionLimit)
        + "/"
        + seconds(transmission, resolutionLimit);
  }

  private static final int SIGNIFICANT_DIGITS = 2;

  private static String seconds(Duration d, int resolutionLimit) {
    return DelayFormat.format(
        d.getSeconds(), d.getNano() / 1000, SIGNIFICANT_DIGITS, resolutionLimit);
  }

  private static Duration clamp(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
