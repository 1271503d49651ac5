package org.postern.log;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time at the front of a mail log line, in the styles logs are written in: syslog's and
 * Postfix's {@code maillog_file}'s {@code Mmm dd HH:MM:SS} (day space- or zero-padded, optional
 * fraction of a second) and RFC 3339's long form {@code 2026-12-06T19:03:10.123456+00:00}; and the
 * ISO dates and times a person types to name a moment ({@code 2026-12-06}, {@code
 * 2026-12-06T19:00}, with seconds, with an offset).
 *
 * <p>A syslog time has no year: it is taken in the most recent year that puts it at or before
 * {@code now} (a log line is never from the future), so a December line read in January falls in
 * the year before; a 29 February goes to the last leap year. Times without an offset are in the
 * given zone (the local one for a command).
 *
 * <p>Failure: a line without a leading time reads as empty; an argument that is no ISO date or
 * time throws {@link IllegalArgumentException} naming the forms accepted.
 */
public final class LogTimestamp {
  private static final Pattern SYSLOG =
      Pattern.compile("^([A-Z][a-z]{2}) {1,2}(\\d{1,2}) (\\d{2}:\\d{2}:\\d{2})(?:\\.\\d+)?\\s");
  private static final Pattern RFC3339 = Pattern.compile(
      "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2}))\\s");
  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH);

  private LogTimestamp() {}

  /** The time {@code line} starts with, in {@code now}'s zone when the line names none. */
  public static Optional<Instant> read(String line, ZonedDateTime now) {
    Matcher rfc = RFC3339.matcher(line);
    if (rfc.find()) {
      try {
        return Optional.of(OffsetDateTime.parse(rfc.group(1)).toInstant());
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    Matcher sys = SYSLOG.matcher(line);
    if (!sys.find()) {
      return Optional.empty();
    }
    try {
      int month = MONTH.parse(sys.group(1)).get(ChronoField.MONTH_OF_YEAR);
      MonthDay day = MonthDay.of(month, Integer.parseInt(sys.group(2)));
      LocalTime time = LocalTime.parse(sys.group(3));
      return Optional.of(mostRecent(day, time, now));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Instant mostRecent(MonthDay day, LocalTime time, ZonedDateTime now) {
    for (int year = now.getYear(); ; year--) {
      if (!day.isValidYear(year)) {
        continue;
      }
      ZonedDateTime t = ZonedDateTime.of(day.atYear(year), time, now.getZone());
      if (!t.isAfter(now)) {
        return t.toInstant();
      }
    }
  }

  /**
   * The moment {@code text} names: {@code YYYY-MM-DD} (its first second), {@code
   * YYYY-MM-DDTHH:MM[:SS]}, either with a {@code Z} or {@code +HH:MM} offset or in {@code zone}.
   */
  public static Instant argument(String text, ZoneId zone) {
    String t = text.strip();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(zone).toInstant();
      }
      if (t.endsWith("Z") || t.matches(".*T.*[+-]\\d{2}:\\d{2}$")) {
        return OffsetDateTime.parse(t).toInstant();
      }
      return LocalDateTime.parse(t).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a date or time: use"
          + " YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, optionally with Z or +HH:MM");
    }
  }
}
