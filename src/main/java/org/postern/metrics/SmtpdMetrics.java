package org.postern.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * What smtpd(8) saw: client sessions, commands by verb (in the words of the {@code disconnect
 * from} counters), replies by code class ({@code 2xx} to {@code 5xx}) and the messages it queued
 * with their size.
 *
 * <p>Exported as {@code postern_smtpd_connections_total}, {@code
 * postern_smtpd_commands_total{command}}, {@code postern_smtpd_replies_total{class}} and the
 * histogram {@code postern_smtpd_message_size_bytes} (its {@code _count} is the number of
 * messages received).
 *
 * <p>Failure: none; a reply code outside 200..599 is counted as class {@code other}.
 */
public final class SmtpdMetrics {
  private static final Counter CONNECTIONS = Counter.builder()
      .name("postern_smtpd_connections")
      .help("SMTP client sessions that smtpd began")
      .register(PosternMetrics.REGISTRY);
  private static final Counter COMMANDS = Counter.builder()
      .name("postern_smtpd_commands")
      .help("SMTP commands by verb, as counted on smtpd's disconnect line")
      .labelNames("command")
      .register(PosternMetrics.REGISTRY);
  private static final Counter REPLIES = Counter.builder()
      .name("postern_smtpd_replies")
      .help("SMTP replies smtpd sent, by code class")
      .labelNames("class")
      .register(PosternMetrics.REGISTRY);
  private static final Histogram MESSAGE_SIZE = Histogram.builder()
      .name("postern_smtpd_message_size_bytes")
      .help("Size of the messages smtpd queued (its count: messages received)")
      .unit(Unit.BYTES)
      .classicOnly()
      .classicUpperBounds(1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 10485760,
          26214400, 52428800)
      .register(PosternMetrics.REGISTRY);

  private SmtpdMetrics() {}

  /** A client session began. */
  public static void connection() {
    CONNECTIONS.inc();
  }

  /** A command was issued; {@code command} as on the disconnect line ({@code ehlo}, {@code unknown}). */
  public static void command(String command) {
    COMMANDS.labelValues(command).inc();
  }

  /** A reply with {@code code} went out. */
  public static void reply(int code) {
    REPLIES.labelValues(codeClass(code)).inc();
  }

  /** A message of {@code bytes} was queued (or accepted by a proxy or discard). */
  public static void received(long bytes) {
    MESSAGE_SIZE.observe(bytes);
  }

  // Visible for testing
  static String codeClass(int code) {
    return code >= 200 && code <= 599 ? (code / 100) + "xx" : "other";
  }
}
