package org.postern.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import org.postern.deliver.RecipientResult;
import org.postern.log.DeliveryDelays;
import org.postern.log.TlsFeatureStatus;

/**
 * What became of each recipient, counted from the same facts as its delivery status line: the
 * master.cf transport, the {@code status=} word, the {@code delay=} figure and each feature of the
 * {@code tls=} field (the TLS security level, {@code dane}, {@code !dane-only}, {@code may:none};
 * and for REQUIRETLS mail {@code requiretls}, {@code requiretls:nocertmatch}, {@code
 * !requiretls:nostarttls}, ...).
 *
 * <p>Exported as {@code postern_deliveries_total{transport,status}}, the histograms {@code
 * postern_delivery_delay_seconds{transport,status}} and {@code
 * postern_delivery_stage_delay_seconds{stage}} (the {@code delays=a/b/c/d} figures; Postern's
 * delivery agents report no connection setup time, so its {@code connection_setup} is 0 and
 * {@code transmission} holds the whole agent time, as on the status line), and {@code
 * postern_delivery_tls_features_total{feature,tls,status}} ({@code feature} is {@code level} or
 * {@code requiretls}). The {@code tls=} figures exist only where the status line has them: SMTP
 * and LMTP deliveries with {@code smtp_log_tls_feature_status = yes}, the default.
 *
 * <p>Failure: none.
 */
public final class DeliveryMetrics {
  private static final Counter DELIVERIES = Counter.builder()
      .name("postern_deliveries")
      .help("Recipients by transport and delivery status, as on the delivery status line")
      .labelNames("transport", "status")
      .register(PosternMetrics.REGISTRY);
  private static final Histogram DELAY = Histogram.builder()
      .name("postern_delivery_delay_seconds")
      .help("Time from message arrival to the end of this delivery attempt (delay=)")
      .unit(Unit.SECONDS)
      .labelNames("transport", "status")
      .classicOnly()
      .classicUpperBounds(0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400, 432000)
      .register(PosternMetrics.REGISTRY);
  private static final Histogram STAGE_DELAY = Histogram.builder()
      .name("postern_delivery_stage_delay_seconds")
      .help("The delays=a/b/c/d stages of each delivery attempt: before_qmgr, in_qmgr,"
          + " connection_setup, transmission")
      .unit(Unit.SECONDS)
      .labelNames("stage")
      .classicOnly()
      .classicUpperBounds(0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400, 432000)
      .register(PosternMetrics.REGISTRY);
  private static final Counter TLS_FEATURES = Counter.builder()
      .name("postern_delivery_tls_features")
      .help("TLS feature status of deliveries (the tls= field) by feature and delivery status")
      .labelNames("feature", "tls", "status")
      .register(PosternMetrics.REGISTRY);

  private DeliveryMetrics() {}

  /**
   * {@code result} was logged for a recipient that {@code transport} (a master.cf name, {@code
   * none} when no transport was reached) handled, {@code delays} after arrival.
   */
  public static void delivered(String transport, RecipientResult result, DeliveryDelays delays) {
    String status = result.status().word();
    DELIVERIES.labelValues(transport, status).inc();
    DELAY.labelValues(transport, status).observe(seconds(delays.delay()));
    STAGE_DELAY.labelValues("before_qmgr").observe(seconds(delays.beforeQueueManager()));
    STAGE_DELAY.labelValues("in_qmgr").observe(seconds(delays.inQueueManager()));
    STAGE_DELAY.labelValues("connection_setup").observe(seconds(delays.connectionSetup()));
    STAGE_DELAY.labelValues("transmission").observe(seconds(delays.transmission()));
    result.tlsStatus().ifPresent(tls -> tls.features().forEach(f ->
        TLS_FEATURES.labelValues(feature(f), f.text(), status).inc()));
  }

  private static String feature(TlsFeatureStatus.Feature f) {
    return switch (f) {
      case TlsFeatureStatus.SecurityLevel level -> "level";
      case TlsFeatureStatus.RequireTls requireTls -> "requiretls";
    };
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
