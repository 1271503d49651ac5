package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageContentTest {
  private static MessageContent of(String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return MessageContent.of(out -> out.write(bytes));
  }

  /** A source that hands its bytes over in small pieces, as the queue file's records come. */
  private static MessageContent trickled(String s, int piece) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return MessageContent.of(out -> {
      for (int i = 0; i < bytes.length; i += piece) {
        out.write(bytes, i, Math.min(piece, bytes.length - i));
      }
    });
  }

  private static String dotStuffed(MessageContent m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeDotStuffed(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String raw(MessageContent m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Lines of varying length, every third starting with a dot, some with 8-bit text. */
  private static String bigBody(int lines) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      b.append(i % 3 == 0 ? "." : "").append("line ").append(i).append(" caf\u00e9 ")
          .append("x".repeat(i % 97)).append(i % 5 == 0 ? " " : "").append("\r\n");
    }
    return b.toString();
  }

  /** Undoes quoted-printable: soft breaks removed, =XX decoded (ISO-8859-1 view of bytes). */
  private static String decodeQp(String qp) {
    String joined = qp.replace("=\r\n", "");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < joined.length(); i++) {
      char c = joined.charAt(i);
      if (c == '=') {
        b.append((char) Integer.parseInt(joined.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  @Test
  void dotStuffed_leadingDots_doubledAndTerminated() throws Exception {
    assertThat(dotStuffed(of("a\r\n.b\r\n..\r\n"))).isEqualTo("a\r\n..b\r\n...\r\n.\r\n");
  }

  @Test
  void dotStuffed_lastLineWithoutCrlf_getsOneBeforeTheDot() throws Exception {
    assertThat(dotStuffed(of(".a\r\nb"))).isEqualTo("..a\r\nb\r\n.\r\n");
    assertThat(dotStuffed(of(""))).isEqualTo(".\r\n");
  }

  @Test
  void writeDotStuffed_messageFarLargerThanAnyBuffer_bytesExact() throws Exception {
    String content = "Subject: big\r\n\r\n" + bigBody(40_000);
    MessageContent m = trickled(content, 7);

    String expected = content.replaceAll("(?m)^\\.", "..") + ".\r\n";
    assertThat(content.length()).isGreaterThan(1_000_000);
    assertThat(dotStuffed(m)).isEqualTo(expected);
    assertThat(m.size()).isEqualTo(content.getBytes(StandardCharsets.UTF_8).length);
    assertThat(m.eightBit()).isTrue();
  }

  @Test
  void downgraded_noMimeHeaders_sentAsIs() throws Exception {
    MessageContent m = of("Subject: x\r\n\r\ncaf\u00e9\r\n");
    assertThat(m.downgraded()).containsSame(m);
  }

  @Test
  void downgraded_sevenBit_isItself() throws Exception {
    MessageContent m = of("Content-Type: text/plain\r\n\r\nplain\r\n");
    assertThat(m.eightBit()).isFalse();
    assertThat(m.downgraded()).containsSame(m);
  }

  @Test
  void downgraded_longLineAndTrailingSpace_softBreaksAndEncodesSpace() throws Exception {
    String body = "x".repeat(100) + " \r\n";
    MessageContent m = of("Content-Type: text/plain\r\n\r\n" + body + "\u00e9");
    String out = raw(m.downgraded().orElseThrow());

    assertThat(out).startsWith("Content-Type: text/plain\r\n"
        + "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    assertThat(out).contains("=\r\n").contains("=20\r\n").endsWith("=C3=A9");
    assertThat(out.lines()).allMatch(l -> l.length() <= 76);
  }

  @Test
  void downgraded_largeMessageStreamed_decodesToTheOriginalBody() throws Exception {
    String header = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\nSubject: big\r\n\r\n";
    String body = bigBody(20_000) + "tail \t\rend";
    MessageContent m = trickled(header + body, 13);

    MessageContent converted = m.downgraded().orElseThrow();
    String out = raw(converted);

    String newHeader = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Subject: big\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    assertThat(out).startsWith(newHeader);
    String encoded = out.substring(newHeader.length());
    assertThat(decodeQp(encoded)).isEqualTo(
        new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    assertThat(encoded.lines()).allMatch(l -> l.length() <= 76 && !l.endsWith(" "));
    assertThat(converted.eightBit()).isFalse();
    assertThat(converted.size()).isEqualTo(out.length());
    assertThat(dotStuffed(converted)).isEqualTo(out.replaceAll("(?m)^\\.", "..") + "\r\n.\r\n");
  }

  @Test
  void downgraded_headerBeyondLimit_cannotConvert() throws Exception {
    String header = "Content-Type: text/plain\r\n"
        + ("X-Filler: " + "y".repeat(1000) + "\r\n").repeat(MessageContent.HEADER_LIMIT / 1000);
    MessageContent m = trickled(header + "\r\ncaf\u00e9\r\n", 4096);

    assertThat(m.downgraded()).isEmpty();
  }

  @Test
  void downgraded_base64Part_cannotConvert() throws Exception {
    assertThat(of("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n\u00e9\r\n")
        .downgraded()).isEmpty();
  }
}
