package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderParserTest {
  private final List<String> events = new ArrayList<>();

  private void parse(String content, int headerLimit, int lineLimit) throws IOException {
    HeaderParser p = new HeaderParser(headerLimit, new HeaderParser.Handler() {
      @Override
      public void header(Header h) {
        events.add("H[" + h.name() + "]" + h.text());
      }

      @Override
      public void headerEnd() {
        events.add("END");
      }

      @Override
      public void nonEmptyEndOfHeader(byte[] line, int length) {
        events.add("NONEMPTY[" + new String(line, 0, length, StandardCharsets.UTF_8) + "]");
      }

      @Override
      public void body(byte[] data, int length, boolean complete) {
        events.add("B" + (complete ? "" : "+") + new String(data, 0, length, StandardCharsets.UTF_8));
      }
    });
    ContentLines lines = new ContentLines(lineLimit, p);
    lines.write(content.getBytes(StandardCharsets.UTF_8));
    lines.finish();
    p.finish();
  }

  @Test
  void parse_foldedHeaders_joinsContinuationLines() throws IOException {
    parse("Subject: a\r\n b\r\nTo: x\r\n\r\nbody\r\n", 1000, 2048);
    assertThat(events).containsExactly("H[Subject]Subject: a\n b", "H[To]To: x", "END", "B", "Bbody");
  }

  @Test
  void parse_nonHeaderLine_endsHeaderWithoutEmptyLine() throws IOException {
    parse("Subject: a\nnot a header\nX: y\n", 1000, 2048);
    assertThat(events).containsExactly(
        "H[Subject]Subject: a", "END", "NONEMPTY[not a header]", "Bnot a header", "BX: y");
  }

  @Test
  void parse_leadingWhiteSpaceFirstLine_isBody() throws IOException {
    parse(" indented: x\n", 1000, 2048);
    assertThat(events).containsExactly("END", "NONEMPTY[ indented: x]", "B indented: x");
  }

  @Test
  void parse_spaceBeforeColon_isHeader() throws IOException {
    parse("Subject : a\n\n", 1000, 2048);
    assertThat(events).startsWith("H[Subject]Subject : a");
  }

  @Test
  void parse_longBodyLine_comesInPieces() throws IOException {
    parse("\n" + "x".repeat(10) + "\n", 1000, 4);
    assertThat(events).containsExactly("END", "B", "B+xxxx", "B+xxxx", "Bxx");
  }

  @Test
  void parse_longHeaderLine_isJoinedUpToTheLimit() throws IOException {
    parse("Subject: " + "y".repeat(20) + "\n\n", 15, 10);
    assertThat(events).containsExactly("H[Subject]Subject: yyyyyy", "END", "B");
  }

  @Test
  void parse_bareCrInLine_isKept() throws IOException {
    parse("\na\rb\r\n", 1000, 2048);
    assertThat(events).containsExactly("END", "B", "Ba\rb");
  }

  @Test
  void parse_noContent_reportsHeaderEnd() throws IOException {
    parse("", 1000, 2048);
    assertThat(events).containsExactly("END");
  }
}
