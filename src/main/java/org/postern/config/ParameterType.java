package org.postern.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The value types of Postfix parameters, with Postfix's syntax for each: booleans {@code yes} or
 * {@code no} (also {@code true}/{@code false}, any case), non-negative integers, sizes in bytes,
 * times as a number with an optional unit {@code s m h d w}. {@code RAW} values are not expanded
 * when read (they hold {@code $name} for a daemon to fill in later).
 *
 * <p>Failure: {@link #check} returns the reason a value is bad, or null when it is good.
 */
public enum ParameterType {
  BOOLEAN, INT, SIZE, TIME, STRING, LIST, RAW;

  /** Null when {@code value} fits this type, otherwise the reason, Postfix-worded. */
  String check(String value, char unit) {
    return switch (this) {
      case BOOLEAN -> parseBoolean(value) == null ? "bad boolean value: \"" + value + "\"" : null;
      case INT -> isNumber(value, Integer.MAX_VALUE) ? null : "bad numerical value: \"" + value + "\"";
      case SIZE -> isNumber(value, Long.MAX_VALUE) ? null : "bad size value: \"" + value + "\"";
      case TIME -> parseTime(value, unit) == null ? "bad time value: \"" + value + "\"" : null;
      case STRING, LIST, RAW -> null;
    };
  }

  static Boolean parseBoolean(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "yes", "true" -> Boolean.TRUE;
      case "no", "false" -> Boolean.FALSE;
      default -> null;
    };
  }

  private static boolean isNumber(String value, long max) {
    String v = value.strip();
    if (v.isEmpty() || v.length() > 19 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    try {
      return Long.parseLong(v) <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** {@code 300s}, {@code 5d}, or a bare number in {@code defaultUnit}; null when malformed. */
  public static Duration parseTime(String value, char defaultUnit) {
    String v = value.strip();
    if (v.isEmpty()) {
      return null;
    }
    char last = v.charAt(v.length() - 1);
    char unit = defaultUnit;
    String digits = v;
    if (!Character.isDigit(last)) {
      unit = Character.toLowerCase(last);
      digits = v.substring(0, v.length() - 1);
    }
    if (!isNumber(digits, Integer.MAX_VALUE)) {
      return null;
    }
    long n = Long.parseLong(digits);
    return switch (unit) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      case 'w' -> Duration.of(n * 7, ChronoUnit.DAYS);
      default -> null;
    };
  }
}
