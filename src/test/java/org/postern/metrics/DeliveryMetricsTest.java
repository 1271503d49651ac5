package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.postern.metrics.SmtpdMetricsTest.delta;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.deliver.RecipientResult;
import org.postern.log.DeliveryDelays;
import org.postern.log.TlsFeatureStatus;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.RequireTls;
import org.postern.log.TlsFeatureStatus.RequireTlsDetail;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.queue.Recipient;

class DeliveryMetricsTest {
  private static final DeliveryDelays DELAYS = new DeliveryDelays(Duration.ofMillis(2500),
      Duration.ofMillis(200), Duration.ofMillis(300), Duration.ZERO, Duration.ofMillis(2000));

  private static RecipientResult withTls(RecipientResult r, TlsFeatureStatus tls) {
    return new RecipientResult(r.recipient(), r.status(), r.dsn(), r.relay(), r.text(),
        r.diagnostic(), Optional.of(tls), r.action(), r.connectionReuses());
  }

  @Test
  void delivered_statusAndDelay_byTransport() throws IOException {
    PrometheusText before = PrometheusText.scrape();

    DeliveryMetrics.delivered("unit-relay", RecipientResult.deferred(Recipient.of("a@b.test"),
        "4.4.1", "none", "connection refused"), DELAYS);

    PrometheusText after = PrometheusText.scrape();
    String[] labels = {"transport", "unit-relay", "status", "deferred"};
    assertThat(delta(before, after, "postern_deliveries_total", labels)).isEqualTo(1);
    assertThat(delta(before, after, "postern_delivery_delay_seconds_sum", labels)).isEqualTo(2.5);
    assertThat(delta(before, after, "postern_delivery_delay_seconds_bucket",
        "transport", "unit-relay", "status", "deferred", "le", "5.0")).isEqualTo(1);
    assertThat(delta(before, after, "postern_delivery_delay_seconds_bucket",
        "transport", "unit-relay", "status", "deferred", "le", "1.0")).isEqualTo(0);
    assertThat(delta(before, after, "postern_delivery_stage_delay_seconds_sum",
        "stage", "before_qmgr")).isCloseTo(0.2, within(1e-9));
    assertThat(delta(before, after, "postern_delivery_stage_delay_seconds_sum",
        "stage", "in_qmgr")).isCloseTo(0.3, within(1e-9));
    assertThat(delta(before, after, "postern_delivery_stage_delay_seconds_sum",
        "stage", "transmission")).isCloseTo(2.0, within(1e-9));
    assertThat(delta(before, after, "postern_delivery_stage_delay_seconds_count",
        "stage", "connection_setup")).isEqualTo(1);
  }

  @Test
  void delivered_requireTlsViolation_eachTlsFeatureCounted() throws IOException {
    PrometheusText before = PrometheusText.scrape();

    DeliveryMetrics.delivered("unit-smtp", withTls(RecipientResult.bounced(
        Recipient.of("a@b.test"), "5.7.10", "mx.b.test[192.0.2.1]:25", "REQUIRETLS failed"),
        TlsFeatureStatus.of(SecurityLevel.compliant(Level.DANE),
            RequireTls.violated(RequireTlsDetail.NOSTARTTLS))), DELAYS);

    PrometheusText after = PrometheusText.scrape();
    assertThat(delta(before, after, "postern_delivery_tls_features_total",
        "feature", "requiretls", "tls", "!requiretls:nostarttls", "status", "bounced"))
        .isEqualTo(1);
    assertThat(delta(before, after, "postern_delivery_tls_features_total",
        "feature", "level", "tls", "dane", "status", "bounced")).isEqualTo(1);
  }
}
