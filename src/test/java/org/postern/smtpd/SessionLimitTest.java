package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class SessionLimitTest {
  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-06T12:00:00Z");

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

  private final MovableClock clock = new MovableClock();
  private final List<String> warnings = new ArrayList<>();
  private final Semaphore permits = new Semaphore(2);
  private final SessionLimit limit =
      new SessionLimit(permits, 2, "\"smtp\" (25)", warnings::add, clock);

  @Test
  void withinTheLimitSessionsRunNormally() {
    assertThat(limit.admit()).contains(new SessionLimit.Admission(true, false));
    assertThat(limit.admit()).contains(new SessionLimit.Admission(true, false));
    assertThat(permits.availablePermits()).isZero();
    assertThat(warnings).isEmpty();
  }

  @Test
  void reachingTheLimitWarnsAsPostfixsMasterAndStartsStress() {
    SessionLimit.Admission a = limit.admit().orElseThrow();
    limit.admit();
    assertThat(limit.admit()).contains(new SessionLimit.Admission(false, true));
    assertThat(warnings).containsExactly(
        "service \"smtp\" (25) has reached its process limit \"2\": new clients may experience noticeable delays",
        "to avoid this condition, increase the process count in master.cf or reduce the service time per client",
        "see https://www.postfix.org/STRESS_README.html for examples of stress-adapting configuration settings");
    limit.release(a);
    assertThat(limit.admit()).as("a regular session started under stress")
        .contains(new SessionLimit.Admission(true, true));
    assertThat(limit.admit()).contains(new SessionLimit.Admission(false, true));
    assertThat(warnings).as("one warning per 1000 s").hasSize(3);
  }

  @Test
  void stressEndsAThousandSecondsAfterTheLimitWasLastReached() {
    SessionLimit.Admission a = limit.admit().orElseThrow();
    SessionLimit.Admission b = limit.admit().orElseThrow();
    limit.release(limit.admit().orElseThrow());
    limit.release(a);
    limit.release(b);
    clock.now = clock.now.plus(SessionLimit.STRESS_PERIOD).minusSeconds(1);
    assertThat(limit.admit()).contains(new SessionLimit.Admission(true, true));
    clock.now = clock.now.plusSeconds(1);
    assertThat(limit.admit()).contains(new SessionLimit.Admission(true, false));
  }

  @Test
  void pastTheOverloadAllowanceClientsAreRefused() {
    List<SessionLimit.Admission> in = new ArrayList<>();
    Optional<SessionLimit.Admission> next;
    while ((next = limit.admit()).isPresent()) {
      in.add(next.get());
    }
    assertThat(in).hasSize(2 * SessionLimit.OVERLOAD_FACTOR);
    limit.release(in.remove(in.size() - 1));
    assertThat(limit.admit()).contains(new SessionLimit.Admission(false, true));
    assertThat(limit.admit()).isEmpty();
  }

  @Test
  void theListenBacklogHoldsABurst() {
    assertThat(limit.backlog()).isEqualTo(100);
    assertThat(new SessionLimit(new Semaphore(100), 100, "x", w -> {}, clock).backlog()).isEqualTo(4096);
  }
}
