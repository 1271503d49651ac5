package org.postern.postscreen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScreenSmtpdTest {
  @Test
  void address_angleBracketsQuotesAndSourceRoute() {
    assertThat(ScreenSmtpd.address("<a@b.example> SIZE=10")).isEqualTo("a@b.example");
    assertThat(ScreenSmtpd.address(" <\"x y\"@b.example>")).isEqualTo("x y@b.example");
    assertThat(ScreenSmtpd.address("<@relay.example:u@b.example>")).isEqualTo("u@b.example");
    assertThat(ScreenSmtpd.address("bare@b.example extra")).isEqualTo("bare@b.example");
    assertThat(ScreenSmtpd.address("<>")).isEmpty();
  }

  @Test
  void escape_controlsAsPostfixLogsThem() {
    byte[] data = "EHLO x\r\n\u0001\\".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Escape.bytes(data, 0, data.length)).isEqualTo("EHLO x\\r\\n\\001\\\\");
  }

  @Test
  void action_parse_unknownNamesTheParameter() {
    assertThat(Action.parse("postscreen_greet_action", " Enforce ")).isEqualTo(Action.ENFORCE);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Action.parse("postscreen_dnsbl_action", "reject"))
        .hasMessage("unknown postscreen_dnsbl_action value \"reject\"; specify one of ignore, enforce, drop");
  }
}
