package org.postern.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MailCopyTest {
  private static final ZonedDateTime NOW = ZonedDateTime.of(2024, 5, 1, 9, 5, 7, 0, ZoneOffset.UTC);

  @Test
  void quoteLocalPart_specialsAndDots_quotedDomainUntouched() {
    assertThat(MailCopy.quoteLocalPart("plain.user@example.com")).isEqualTo("plain.user@example.com");
    assertThat(MailCopy.quoteLocalPart("joe smith@example.com")).isEqualTo("\"joe smith\"@example.com");
    assertThat(MailCopy.quoteLocalPart("a\"b@x")).isEqualTo("\"a\\\"b\"@x");
    assertThat(MailCopy.quoteLocalPart("a..b@x")).isEqualTo("\"a..b\"@x");
    assertThat(MailCopy.quoteLocalPart("a@b@x")).isEqualTo("\"a@b\"@x");
    assertThat(MailCopy.quoteLocalPart("")).isEmpty();
  }

  @Test
  void prefix_mbox_fromLineThenHeadersInPostfixOrder() {
    String p = MailCopy.prefix(new MailCopy.Envelope("", "orig@x", "rcpt@x", NOW), MailCopy.MBOX, "\n");

    assertThat(p).isEqualTo("From MAILER-DAEMON  Wed May  1 09:05:07 2024\n"
        + "Return-Path: <>\nX-Original-To: orig@x\nDelivered-To: rcpt@x\n");
  }

  @Test
  void prefix_noOriginalRecipient_leavesXOriginalToOut() {
    String p = MailCopy.prefix(new MailCopy.Envelope("s@x", "", "r@x", NOW),
        Set.of(MailCopy.Flag.ORIGINAL_TO, MailCopy.Flag.RETURN_PATH), "\r\n");

    assertThat(p).isEqualTo("Return-Path: <s@x>\r\n");
  }
}
