package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LogTimestampTest {
  private static final ZonedDateTime NOW =
      ZonedDateTime.of(2026, 12, 6, 19, 5, 0, 0, ZoneOffset.UTC);

  @Test
  void read_maillogFileTime_thisYearWhenNotInTheFuture() {
    assertThat(LogTimestamp.read("Dec 06 19:03:10 mx postfix/smtp[1]: x", NOW))
        .contains(Instant.parse("2026-12-06T19:03:10Z"));
    assertThat(LogTimestamp.read("Dec  6 19:03:10.123456 mx postfix/smtp[1]: x", NOW))
        .contains(Instant.parse("2026-12-06T19:03:10Z"));
  }

  @Test
  void read_syslogTimeLaterThanNow_mostRecentPastYear() {
    assertThat(LogTimestamp.read("Dec 06 19:06:00 mx postfix/smtp[1]: x", NOW))
        .contains(Instant.parse("2025-12-06T19:06:00Z"));
    assertThat(LogTimestamp.read("Feb 29 00:00:00 mx x", NOW))
        .contains(Instant.parse("2024-02-29T00:00:00Z"));
  }

  @Test
  void read_syslogTime_inTheZoneOfNow() {
    ZonedDateTime berlin = NOW.withZoneSameInstant(ZoneId.of("Europe/Berlin"));
    assertThat(LogTimestamp.read("Dec 06 20:03:10 mx x", berlin))
        .contains(Instant.parse("2026-12-06T19:03:10Z"));
  }

  @Test
  void read_rfc3339_offsetApplied() {
    assertThat(LogTimestamp.read("2026-12-06T20:03:10.5+01:00 mx postfix/smtp[1]: x", NOW))
        .contains(Instant.parse("2026-12-06T19:03:10.5Z"));
    assertThat(LogTimestamp.read("2026-12-06T19:03:10Z mx x", NOW))
        .contains(Instant.parse("2026-12-06T19:03:10Z"));
  }

  @Test
  void read_noTimeOrNoSuchDay_empty() {
    assertThat(LogTimestamp.read("postfix/smtp[1]: 4dX: to=<a@b>", NOW)).isEmpty();
    assertThat(LogTimestamp.read("Feb 30 10:00:00 mx x", NOW)).isEmpty();
    assertThat(LogTimestamp.read("Foo 10 10:00:00 mx x", NOW)).isEmpty();
    assertThat(LogTimestamp.read("Dec 06 25:00:00 mx x", NOW)).isEmpty();
  }

  @Test
  void argument_isoForms() {
    ZoneId zone = ZoneId.of("Europe/Berlin");
    assertThat(LogTimestamp.argument("2026-12-06", zone))
        .isEqualTo(Instant.parse("2026-12-05T23:00:00Z"));
    assertThat(LogTimestamp.argument("2026-12-06T19:00", zone))
        .isEqualTo(Instant.parse("2026-12-06T18:00:00Z"));
    assertThat(LogTimestamp.argument("2026-12-06T19:00:30", zone))
        .isEqualTo(Instant.parse("2026-12-06T18:00:30Z"));
    assertThat(LogTimestamp.argument("2026-12-06T19:00Z", zone))
        .isEqualTo(Instant.parse("2026-12-06T19:00:00Z"));
    assertThat(LogTimestamp.argument("2026-12-06T19:00:00-05:00", zone))
        .isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
  }

  @Test
  void argument_notADate_saysWhatIsAccepted() {
    for (String bad : new String[] {"yesterday", "2026-13-01", "Dec 06 19:00:00", "2026-12-06 19:00"}) {
      assertThatThrownBy(() -> LogTimestamp.argument(bad, ZoneOffset.UTC))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a date or time: use YYYY-MM-DD");
    }
  }
}
