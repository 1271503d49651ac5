package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MissingHeadersTest {
  private static final Instant T = Instant.parse("2026-01-06T23:05:09Z");

  @Test
  void messageId_usesUtcTimeQueueIdAndHostname() {
    assertThat(MissingHeaders.messageId(T, "63CFB20C121", "mail.example.com"))
        .isEqualTo("20260106230509.63CFB20C121@mail.example.com");
  }

  @Test
  void date_usesLocalZoneWithOffsetAndName() {
    assertThat(MissingHeaders.date(T, ZoneId.of("Europe/Berlin")))
        .isEqualTo("Wed, 07 Jan 2026 00:05:09 +0100 (CET)");
    assertThat(MissingHeaders.date(T, ZoneId.of("UTC")))
        .isEqualTo("Tue, 06 Jan 2026 23:05:09 +0000 (UTC)");
  }

  @Test
  void from_standardFormat_quotesSpecials() {
    assertThat(MissingHeaders.from("a@example.com", "Ann Lee", false)).isEqualTo("Ann Lee <a@example.com>");
    assertThat(MissingHeaders.from("a@example.com", "Lee, Ann", false))
        .isEqualTo("\"Lee, Ann\" <a@example.com>");
  }

  @Test
  void from_obsoleteFormat_putsNameInParentheses() {
    assertThat(MissingHeaders.from("a@example.com", "Ann Lee", true)).isEqualTo("a@example.com (Ann Lee)");
  }

  @Test
  void from_nullSenderOrNoName_givesAddressOnly() {
    assertThat(MissingHeaders.from("", "Ann", false)).isEqualTo("MAILER-DAEMON");
    assertThat(MissingHeaders.from("a@example.com", "", false)).isEqualTo("a@example.com");
  }
}
