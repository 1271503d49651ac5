package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FetchFailureTest {
  private static final Instant T = Instant.ofEpochSecond(1_000_000);

  @Test
  void backoff_doublesFromFiveMinutesUpToAnHour() {
    FetchFailure f = FetchFailure.first("example.com", "one", T, "404");
    List<Long> minutes = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      minutes.add(f.backoff().toMinutes());
      f = f.then("one", T, "404");
    }

    assertThat(minutes).containsExactly(5L, 10L, 20L, 40L, 60L, 60L, 60L);
    assertThat(new FetchFailure("example.com", "one", Integer.MAX_VALUE, T, "").backoff())
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void retryAt_newIdAfterFiveMinutesSameIdAfterItsBackoff() {
    FetchFailure f = FetchFailure.first("example.com", "one", T, "404").then("one", T, "404")
        .then("one", T, "404");

    assertThat(f.retryAt("one")).isEqualTo(T.plus(Duration.ofMinutes(20)));
    assertThat(f.retryAt("two")).isEqualTo(T.plus(Duration.ofMinutes(5)));
    assertThat(f.then("two", T, "timeout").failures()).as("a new id counts anew").isEqualTo(1);
  }
}
