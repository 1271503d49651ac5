package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveryDelaysTest {
  private static final Instant T0 = Instant.parse("2025-03-09T14:05:00Z");

  private static Optional<Instant> at(long millis) {
    return Optional.of(T0.plusMillis(millis));
  }

  @Test
  void between_allStages_splitsAtEachStamp() {
    DeliveryDelays d = DeliveryDelays.between(T0, at(50), at(60), at(110), T0.plusMillis(160));

    assertThat(d.format(2)).isEqualTo("delay=0.16, delays=0.05/0.01/0.05/0.05");
  }

  @Test
  void between_noConnection_chargesTransmissionFromHandoff() {
    DeliveryDelays d =
        DeliveryDelays.between(T0, at(10), at(11), Optional.empty(), T0.plusMillis(13));

    assertThat(d.format(2)).isEqualTo("delay=0.01, delays=0.01/0/0/0");
  }

  @Test
  void between_noDeliveryAgent_chargesQueueManager() {
    DeliveryDelays d =
        DeliveryDelays.between(
            T0, at(1000), Optional.empty(), Optional.empty(), T0.plusSeconds(12));

    assertThat(d.format(2)).isEqualTo("delay=12, delays=1/11/0/0");
  }

  @Test
  void between_noQueueManager_chargesAllBeforeQueueManager() {
    DeliveryDelays d =
        DeliveryDelays.between(
            T0, Optional.empty(), Optional.empty(), Optional.empty(), T0.plusMillis(300));

    assertThat(d.format(2)).isEqualTo("delay=0.3, delays=0.3/0/0/0");
  }

  @Test
  void constructor_negativeFromClockJump_clampsToZero() {
    DeliveryDelays d =
        new DeliveryDelays(
            Duration.ofSeconds(-5), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    assertThat(d.delay()).isZero();
  }

  @Test
  void format_secondsWithFraction_twoSignificantDigits() {
    DeliveryDelays d =
        new DeliveryDelays(
            Duration.ofMillis(13_734),
            Duration.ofMillis(1_234),
            Duration.ZERO,
            Duration.ofMillis(12_300),
            Duration.ofMillis(200));

    assertThat(d.format(2)).isEqualTo("delay=14, delays=1.2/0/12/0.2");
  }

  @Test
  void format_largeValues_wholeSeconds() {
    DeliveryDelays d =
        new DeliveryDelays(
            Duration.ofMillis(4_000_400),
            Duration.ofMillis(3_999_900),
            Duration.ofMillis(300),
            Duration.ofMillis(120),
            Duration.ofMillis(80));

    assertThat(d.format(2)).isEqualTo("delay=4000, delays=4000/0.3/0.12/0.08");
  }
}
