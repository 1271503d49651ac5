package org.postern.log;

/**
 * Postfix's way of printing a delay (format_tv): large values rounded to whole seconds, small
 * values with at most {@code significant} significant digits, never more than {@code maxDigits}
 * digits after the point ({@code delay_logging_resolution_limit}), no trailing zeros. With the
 * defaults 2 and 2: 0.16, 0.05, 0.01, 0 for anything under 5 ms, 1.2, 12, 123.
 */
public final class DelayFormat {
  private static final int MILLION = 1_000_000;
  private static final int[] POW10 = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000};

  private DelayFormat() {}

  public static String format(long sec, long usec, int significant, int maxDigits) {
    if (maxDigits < 0 || maxDigits > 6) {
      throw new IllegalArgumentException(
          "delay_logging_resolution_limit out of range 0..6: " + maxDigits);
    }
    if (significant < 1 || significant > 6) {
      throw new IllegalArgumentException("significant digits out of range 1..6: " + significant);
    }
    if (sec < 0 || usec < 0 || usec >= MILLION) {
      throw new IllegalArgumentException("bad time " + sec + "s " + usec + "us");
    }
    long resolution = resolution(sec, usec, significant, maxDigits);
    if (resolution > 1) {
      usec += resolution / 2;
      if (usec >= MILLION) {
        sec += 1;
        usec -= MILLION;
      }
    }
    StringBuilder out = new StringBuilder().append(sec);
    if (usec >= resolution) {
      out.append('.');
      long rest = usec;
      for (long unit = MILLION / 10; rest >= resolution && unit > 0; unit /= 10) {
        out.append((char) ('0' + rest / unit));
        rest %= unit;
      }
    }
    return out.toString();
  }

  /** The smallest printed unit in microseconds: coarser as the integral part grows. */
  private static long resolution(long sec, long usec, int significant, int maxDigits) {
    long resolution = MILLION / POW10[maxDigits];
    long width = POW10[significant];
    if (resolution >= MILLION) {
      return resolution;
    }
    if (sec > 0) {
      long n = 1;
      while (sec >= n && n <= width / 10) {
        n *= 10;
      }
      return (MILLION / width) * n;
    }
    while (usec >= width * resolution) {
      resolution *= 10;
    }
    return resolution;
  }
}
