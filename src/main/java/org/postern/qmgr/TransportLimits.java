package org.postern.qmgr;

import java.util.Map;

/**
 * The per-transport scheduler limits of Postfix's qmgr: {@code transport_destination_recipient_limit},
 * {@code transport_destination_concurrency_limit}, {@code transport_initial_destination_concurrency}
 * and {@code transport_destination_concurrency_failed_cohort_limit}, each falling back to its
 * {@code default_*} (or {@code initial_destination_concurrency}) value.
 *
 * <p>A recipient or concurrency limit of 0 means "no limit", as in Postfix.
 */
public record TransportLimits(
    int defaultRecipientLimit,
    int defaultConcurrencyLimit,
    int defaultInitialConcurrency,
    int defaultFailedCohortLimit,
    Map<String, Integer> recipientLimits,
    Map<String, Integer> concurrencyLimits,
    Map<String, Integer> initialConcurrencies,
    Map<String, Integer> failedCohortLimits) {

  public TransportLimits {
    recipientLimits = Map.copyOf(recipientLimits);
    concurrencyLimits = Map.copyOf(concurrencyLimits);
    initialConcurrencies = Map.copyOf(initialConcurrencies);
    failedCohortLimits = Map.copyOf(failedCohortLimits);
    requireNonNegative("default_destination_recipient_limit", defaultRecipientLimit);
    requireNonNegative("default_destination_concurrency_limit", defaultConcurrencyLimit);
    if (defaultInitialConcurrency < 1) {
      throw new IllegalArgumentException(
          "initial_destination_concurrency: bad value: " + defaultInitialConcurrency);
    }
  }

  /** {@code transport_destination_recipient_limit}: recipients per delivery request. */
  public int recipientLimit(String transport) {
    return recipientLimits.getOrDefault(transport, defaultRecipientLimit);
  }

  /** {@code transport_destination_concurrency_limit}: parallel deliveries per destination. */
  public int concurrencyLimit(String transport) {
    return concurrencyLimits.getOrDefault(transport, defaultConcurrencyLimit);
  }

  /** {@code transport_initial_destination_concurrency}: where the window starts. */
  public int initialConcurrency(String transport) {
    return initialConcurrencies.getOrDefault(transport, defaultInitialConcurrency);
  }

  /** {@code transport_destination_concurrency_failed_cohort_limit}: failures before throttling. */
  public int failedCohortLimit(String transport) {
    return failedCohortLimits.getOrDefault(transport, defaultFailedCohortLimit);
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": bad value: " + value);
    }
  }
}
