package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FetchFailureTest {
  private static final Instant T = Instant.ofEpochSecond(1_000_000);
  private static final PolicyFailure NOT_FOUND =
      new PolicyFailure(PolicyFailure.Kind.FETCH_ERROR, "404");

  @Test
  void backoff_doublesFromFiveMinutesUpToAnHour() {
    FetchFailure f = FetchFailure.first("example.com", "one", T, NOT_FOUND);
    List<Long> minutes = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      minutes.add(f.backoff().toMinutes());
      f = f.then("one", T, NOT_FOUND);
    }

    assertThat(minutes).containsExactly(5L, 10L, 20L, 40L, 60L, 60L, 60L);
    assertThat(new FetchFailure("example.com", "one", Integer.MAX_VALUE, T, "",
        PolicyFailure.Kind.FETCH_ERROR).backoff())
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void retryAt_newIdAfterFiveMinutesSameIdAfterItsBackoff() {
    FetchFailure f = FetchFailure.first("example.com", "one", T, NOT_FOUND)
        .then("one", T, NOT_FOUND).then("one", T, NOT_FOUND);

    assertThat(f.retryAt("one")).isEqualTo(T.plus(Duration.ofMinutes(20)));
    assertThat(f.retryAt("two")).isEqualTo(T.plus(Duration.ofMinutes(5)));
    PolicyFailure pkix = new PolicyFailure(PolicyFailure.Kind.WEBPKI_INVALID, "PKIX");
    assertThat(f.then("two", T, pkix).failures()).as("a new id counts anew").isEqualTo(1);
  }

  @Test
  void failure_kindAndReasonOfTheLastFailedFetch() {
    FetchFailure f = FetchFailure.first("example.com", "one", T, NOT_FOUND)
        .then("one", T, new PolicyFailure(PolicyFailure.Kind.POLICY_INVALID, "no mx field"));

    assertThat(f.failure())
        .isEqualTo(new PolicyFailure(PolicyFailure.Kind.POLICY_INVALID, "no mx field"));
  }
}
