package org.postern.qmgr;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;

/**
 * The main.cf parameters the queue manager reads, frozen at construction.
 *
 * @param myhostname the next hop of a {@code content_filter} that names none
 * @param messageActiveLimit {@code qmgr_message_active_limit}: messages in the active queue
 * @param messageRecipientLimit {@code qmgr_message_recipient_limit}: recipients in memory
 * @param queueRunDelay {@code queue_run_delay}: how often the deferred queue is scanned
 * @param minimalBackoffTime {@code minimal_backoff_time}, also how long a throttled destination
 *     stays suspended
 * @param maximalBackoffTime {@code maximal_backoff_time}
 * @param maximalQueueLifetime {@code maximal_queue_lifetime}
 * @param bounceQueueLifetime {@code bounce_queue_lifetime}, for mail from the null sender
 * @param delayWarningTime {@code delay_warning_time}; zero turns warnings off
 * @param deferTransports {@code defer_transports}
 * @param softBounce {@code soft_bounce}
 * @param delayLoggingResolutionLimit {@code delay_logging_resolution_limit}
 * @param limits the per-transport recipient and concurrency limits
 */
public record QmgrSettings(
    String myhostname,
    int messageActiveLimit,
    int messageRecipientLimit,
    Duration queueRunDelay,
    Duration minimalBackoffTime,
    Duration maximalBackoffTime,
    Duration maximalQueueLifetime,
    Duration bounceQueueLifetime,
    Duration delayWarningTime,
    Set<String> deferTransports,
    boolean softBounce,
    int delayLoggingResolutionLimit,
    TransportLimits limits) {

  /** Transports whose limits are read even when master.cf does not name them. */
  private static final Set<String> BUILT_IN_TRANSPORTS =
      Set.of("smtp", "lmtp", "local", "virtual", "relay", "pipe", "error", "retry", "discard");

  public QmgrSettings {
    Objects.requireNonNull(myhostname, "myhostname");
    deferTransports = Set.copyOf(deferTransports);
    Objects.requireNonNull(limits, "limits");
    if (messageActiveLimit < 1) {
      throw new IllegalArgumentException("qmgr_message_active_limit: bad value: " + messageActiveLimit);
    }
    if (messageRecipientLimit < 1) {
      throw new IllegalArgumentException(
          "qmgr_message_recipient_limit: bad value: " + messageRecipientLimit);
    }
    if (minimalBackoffTime.compareTo(maximalBackoffTime) > 0) {
      throw new IllegalArgumentException("minimal_backoff_time (" + minimalBackoffTime.toSeconds()
          + "s) exceeds maximal_backoff_time (" + maximalBackoffTime.toSeconds() + "s)");
    }
  }

  /** The settings {@code config} gives, with the limits of every transport master.cf defines. */
  public static QmgrSettings from(MainConfig config) {
    Set<String> transports = new TreeSet<>(BUILT_IN_TRANSPORTS);
    for (MasterService s : config.masterCf().services()) {
      transports.add(s.service());
    }
    TransportLimits limits = new TransportLimits(
        config.getInt("default_destination_recipient_limit"),
        config.getInt("default_destination_concurrency_limit"),
        config.getInt("initial_destination_concurrency"),
        config.getInt("default_destination_concurrency_failed_cohort_limit"),
        perTransport(config, transports, "_destination_recipient_limit"),
        perTransport(config, transports, "_destination_concurrency_limit"),
        perTransport(config, transports, "_initial_destination_concurrency"),
        perTransport(config, transports, "_destination_concurrency_failed_cohort_limit"));
    return new QmgrSettings(
        config.get("myhostname"),
        config.getInt("qmgr_message_active_limit"),
        config.getInt("qmgr_message_recipient_limit"),
        config.getTime("queue_run_delay"),
        config.getTime("minimal_backoff_time"),
        config.getTime("maximal_backoff_time"),
        config.getTime("maximal_queue_lifetime"),
        config.getTime("bounce_queue_lifetime"),
        config.getTime("delay_warning_time"),
        Set.copyOf(config.getList("defer_transports")),
        config.getBoolean("soft_bounce"),
        config.getInt("delay_logging_resolution_limit"),
        limits);
  }

  private static Map<String, Integer> perTransport(
      MainConfig config, Set<String> transports, String suffix) {
    Map<String, Integer> values = new HashMap<>();
    for (String transport : transports) {
      String name = transport + suffix;
      if (config.raw(name) != null && !config.get(name).isBlank()) {
        values.put(transport, config.getInt(name));
      }
    }
    return values;
  }

  /** How long a message from {@code sender} may stay in the queue. */
  Duration lifetime(String sender) {
    return sender.isEmpty() ? bounceQueueLifetime : maximalQueueLifetime;
  }
}
