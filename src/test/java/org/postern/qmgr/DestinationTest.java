package org.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DestinationTest {
  private final FakeClock clock = new FakeClock(QmgrHarness.T0);

  @Test
  void feedback_successGrowsWindowUpToLimit() throws Exception {
    Destination d = new Destination(7, 5, 1, Duration.ofSeconds(300), clock);
    for (int i = 0; i < 5; i++) {
      assertThat(d.acquire()).isEmpty();
      d.succeeded();
    }
    assertThat(d.window()).isEqualTo(7);
  }

  @Test
  void feedback_failuresShrinkWindowThenSuspend() throws Exception {
    Destination d = new Destination(20, 5, 1, Duration.ofSeconds(300), clock);
    d.acquire();
    d.failed("4.4.1", "connect to x: Connection refused");
    assertThat(d.window()).isEqualTo(4);
    for (int i = 0; i < 3; i++) {
      assertThat(d.acquire()).isEmpty();
      d.failed("4.4.1", "connect to x: Connection refused");
    }

    assertThat(d.acquire()).hasValueSatisfying(s -> {
      assertThat(s.dsn()).isEqualTo("4.4.1");
      assertThat(s.reason())
          .isEqualTo("delivery temporarily suspended: connect to x: Connection refused");
    });
    clock.advance(Duration.ofSeconds(300));
    assertThat(d.acquire()).isEmpty();
    assertThat(d.window()).isEqualTo(5);
  }

  @Test
  void feedback_successResetsFailedCohorts() throws Exception {
    Destination d = new Destination(20, 2, 1, Duration.ofSeconds(300), clock);
    d.acquire();
    d.failed("4.4.1", "timeout");
    d.acquire();
    d.succeeded();
    d.acquire();
    d.failed("4.4.1", "timeout");
    assertThat(d.acquire()).isEmpty();
  }
}
