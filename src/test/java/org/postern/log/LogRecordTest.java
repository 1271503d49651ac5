package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LogRecordTest {
  private static final ZonedDateTime MARCH_9 =
      ZonedDateTime.of(2025, 3, 9, 4, 5, 7, 0, ZoneId.of("UTC"));

  @Test
  void syslogMessage_info_priorityAndSpacePaddedDayWithoutHost() {
    LogRecord r = new LogRecord(MARCH_9, "mail", "postern/smtpd", 42, Severity.INFO, "hello");

    assertThat(r.syslogMessage(SyslogFacility.MAIL))
        .isEqualTo("<22>Mar  9 04:05:07 postern/smtpd[42]: hello");
  }

  @Test
  void syslogMessage_fatalOnLocal7_critPriorityAndPrefix() {
    LogRecord r = new LogRecord(MARCH_9, "mail", "postern/master", 1, Severity.FATAL, "bye");

    assertThat(r.syslogMessage(SyslogFacility.LOCAL7))
        .isEqualTo("<186>Mar  9 04:05:07 postern/master[1]: fatal: bye");
  }

  @Test
  void maillogLine_singleDigitDay_zeroPaddedAsPostfixStrftime() {
    LogRecord r = new LogRecord(MARCH_9, "mail", "postern/smtpd", 42, Severity.WARNING, "w");

    assertThat(r.maillogLine()).isEqualTo("Mar 09 04:05:07 mail postern/smtpd[42]: warning: w");
  }

  @Test
  void syslogFacility_named_postfixSpellingOnly() {
    assertThat(SyslogFacility.named("local3")).contains(SyslogFacility.LOCAL3);
    assertThat(SyslogFacility.named("MAIL")).isEmpty();
  }
}
