package org.postern.esmtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EsmtpSyntaxTest {
  @Test
  void encode_plusEqualsAndNonAscii_escaped() {
    assertThat(Xtext.encode("a+b=c é")).isEqualTo("a+2Bb+3Dc+20+C3+A9");
  }

  @Test
  void decode_escapes_restored() {
    assertThat(Xtext.decode("rfc822;a+2Bb@example")).contains("rfc822;a+b@example");
    assertThat(Xtext.decode("x+2b")).contains("x+");
  }

  @Test
  void decode_truncatedOrBadEscapeOrRawEquals_empty() {
    assertThat(Xtext.decode("abc+4")).isEmpty();
    assertThat(Xtext.decode("abc+G1")).isEmpty();
    assertThat(Xtext.decode("a=b")).isEmpty();
    assertThat(Xtext.decode("a b")).isEmpty();
  }

  @Test
  void encodeThenDecode_asciiText_roundTrips() {
    assertThat(Xtext.decode(Xtext.encode("user+tag=1@example.org"))).contains("user+tag=1@example.org");
  }

  @Test
  void closingBracket_quotedOrEscapedBracket_skipped() {
    assertThat(MailPath.closingBracket("<a@b> SIZE=1")).isEqualTo(4);
    assertThat(MailPath.closingBracket("<\"x>y\"@b>")).isEqualTo(8);
    assertThat(MailPath.closingBracket("<a\\>b@c>")).isEqualTo(7);
    assertThat(MailPath.closingBracket("<a@b")).isEqualTo(-1);
  }
}
