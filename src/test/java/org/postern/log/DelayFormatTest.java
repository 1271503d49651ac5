package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases from Postfix's format_tv test reference, plus the default resolution limit of 2. */
class DelayFormatTest {

  @ParameterizedTest(name = "{0}s {1}us sig={2} max={3} -> {4}")
  @CsvSource({
    // Three digits in, 2/6 digits out, rounding down.
    "1110, 0, 2, 6, 1110",
    "111, 0, 2, 6, 111",
    "11, 100000, 2, 6, 11",
    "1, 110000, 2, 6, 1.1",
    "0, 111000, 2, 6, 0.11",
    "0, 11100, 2, 6, 0.011",
    "0, 1110, 2, 6, 0.0011",
    "0, 111, 2, 6, 0.00011",
    "0, 11, 2, 6, 0.000011",
    // One digit in: no spurious digits, no trailing zeros.
    "1000, 0, 2, 6, 1000",
    "10, 0, 2, 6, 10",
    "1, 0, 2, 6, 1",
    "0, 100000, 2, 6, 0.1",
    "0, 10000, 2, 6, 0.01",
    "0, 1, 2, 6, 0.000001",
    // Three digits in, 2/6 digits out, rounding up.
    "996, 0, 2, 6, 996",
    "99, 600000, 2, 6, 100",
    "9, 960000, 2, 6, 10",
    "0, 996000, 2, 6, 1",
    "0, 99600, 2, 6, 0.1",
    "0, 9960, 2, 6, 0.01",
    "0, 996, 2, 6, 0.001",
    // One significant digit.
    "1, 110000, 1, 6, 1",
    "0, 111000, 1, 6, 0.1",
    "0, 11, 1, 6, 0.00001",
    "99, 600000, 1, 6, 100",
  })
  void format_postfixReferenceCases_matchPostfix(
      long sec, long usec, int significant, int maxDigits, String expected) {
    assertThat(DelayFormat.format(sec, usec, significant, maxDigits)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}s {1}us -> {2}")
  @CsvSource({
    "0, 160000, 0.16",
    "0, 163000, 0.16",
    "0, 50000, 0.05",
    "0, 10000, 0.01",
    "0, 5000, 0.01",
    "0, 4999, 0",
    "0, 1000, 0",
    "0, 0, 0",
    "1, 230000, 1.2",
    "12, 300000, 12",
    "123, 400000, 123",
    "86400, 999999, 86401",
  })
  void format_defaultResolutionLimit_twoDigitsAtMost(long sec, long usec, String expected) {
    assertThat(DelayFormat.format(sec, usec, 2, 2)).isEqualTo(expected);
  }

  @Test
  void format_resolutionLimitZero_wholeSeconds() {
    assertThat(DelayFormat.format(0, 400000, 2, 0)).isEqualTo("0");
    assertThat(DelayFormat.format(0, 600000, 2, 0)).isEqualTo("1");
  }

  @Test
  void format_resolutionLimitOutOfRange_throws() {
    assertThatThrownBy(() -> DelayFormat.format(0, 0, 2, 7))
        .hasMessageContaining("delay_logging_resolution_limit");
  }
}
