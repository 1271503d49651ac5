package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailAddressTest {
  @Test
  void parse_nullSender_isNull() {
    assertThat(MailAddress.parse("<>").isNull()).isTrue();
  }

  @Test
  void parse_sourceRoute_isDropped() {
    assertThat(MailAddress.parse("<@a.test,@b.test:u@c.test>").internal()).isEqualTo("u@c.test");
  }

  @Test
  void parse_quotedLocalPart_isUnquoted() {
    assertThat(MailAddress.parse("<\"a b\\\"c@d\"@x.test>")).isEqualTo(new MailAddress("a b\"c@d", "x.test"));
  }

  @Test
  void parse_utf8Address_isNotAscii() {
    assertThat(MailAddress.parse("<jöran@bücher.test>").isAscii()).isFalse();
  }

  @Test
  void parse_domainWithTheRootsDot_isKeptAsSent() {
    assertThat(MailAddress.parse("<s@Mx.Test.>").internal()).isEqualTo("s@Mx.Test.");
    assertThatThrownBy(() -> MailAddress.parse("<s@x..>")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MailAddress.parse("<s@.>")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_malformed_throws() {
    assertThatThrownBy(() -> MailAddress.parse("<a b@x>")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MailAddress.parse("<a@>")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MailAddress.parse("<a@x..y>")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MailAddress.parse("<a@x")).isInstanceOf(IllegalArgumentException.class);
  }
}
