package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AnvilTest {
  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2025-11-14T05:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void connect_countsOpenConnectionsPerAddress() {
    Anvil anvil = new Anvil(new MovableClock(), Duration.ofSeconds(60));
    assertThat(anvil.connect("192.0.2.1")).isEqualTo(new Anvil.Counts(1, 1));
    assertThat(anvil.connect("192.0.2.1")).isEqualTo(new Anvil.Counts(2, 2));
    assertThat(anvil.connect("192.0.2.2")).isEqualTo(new Anvil.Counts(1, 1));
    anvil.disconnect("192.0.2.1");
    assertThat(anvil.connect("192.0.2.1")).isEqualTo(new Anvil.Counts(2, 3));
  }

  @Test
  void connect_rateWindowRestartsAfterTimeUnit() {
    MovableClock clock = new MovableClock();
    Anvil anvil = new Anvil(clock, Duration.ofSeconds(60));
    anvil.connect("192.0.2.1");
    anvil.disconnect("192.0.2.1");
    clock.now = clock.now.plusSeconds(59);
    assertThat(anvil.connect("192.0.2.1").rate()).isEqualTo(2);
    anvil.disconnect("192.0.2.1");
    clock.now = clock.now.plusSeconds(61);
    assertThat(anvil.connect("192.0.2.1")).isEqualTo(new Anvil.Counts(1, 1));
  }
}
