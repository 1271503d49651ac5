package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageContentTest {
  private static MessageContent of(String s) {
    return new MessageContent(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void dotStuffed_leadingDots_doubledAndTerminated() {
    assertThat(new String(of("a\r\n.b\r\n..\r\n").dotStuffed(), StandardCharsets.US_ASCII))
        .isEqualTo("a\r\n..b\r\n...\r\n.\r\n");
  }

  @Test
  void downgraded_noMimeHeaders_sentAsIs() {
    MessageContent m = of("Subject: x\r\n\r\ncaf\u00e9\r\n");
    assertThat(m.downgraded()).containsSame(m);
  }

  @Test
  void downgraded_longLineAndTrailingSpace_softBreaksAndEncodesSpace() {
    String body = "x".repeat(100) + " \r\n";
    MessageContent m = of("Content-Type: text/plain\r\n\r\n" + body);
    String out = new String(m.downgraded().orElseThrow().bytes(), StandardCharsets.US_ASCII);

    assertThat(out).startsWith("Content-Type: text/plain\r\n"
        + "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    assertThat(out).contains("=\r\n").endsWith("=20\r\n");
    assertThat(out.lines()).allMatch(l -> l.length() <= 76);
  }

  @Test
  void downgraded_base64Part_cannotConvert() {
    assertThat(of("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n\u00e9\r\n")
        .downgraded()).isEmpty();
  }
}
