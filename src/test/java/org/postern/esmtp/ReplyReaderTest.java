package org.postern.esmtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.postern.esmtp.ReplyReader.Separator;

/** The shared SMTP reply reader against hostile peers, in both callers' settings. */
class ReplyReaderTest {
  private static final int MIB = 1024 * 1024;
  /** The smtp client's settings. */
  private final ReplyReader bounded = new ReplyReader(Separator.LAST_UNLESS_HYPHEN, 100, MIB);
  /** smtpd_proxy_filter's settings. */
  private final ReplyReader strict = new ReplyReader(Separator.SPACE_OR_HYPHEN, 100, MIB);

  private static InputStream in(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code prefix} and then {@code x} for ever, never a line feed. */
  private static InputStream endless(String prefix) {
    InputStream xs = new InputStream() {
      @Override
      public int read() {
        return 'x';
      }
    };
    return new SequenceInputStream(in(prefix), xs);
  }

  @Test
  void read_multiLineReply_codeAndTextsAfterTheSeparator() throws IOException {
    ReplyReader.Lines r = bounded.read(in("250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"));

    assertThat(r.code()).isEqualTo(250);
    assertThat(r.texts()).containsExactly("mx.example", "PIPELINING", "8BITMIME");
  }

  @Test
  void read_codeAlone_emptyText() throws IOException {
    assertThat(strict.read(in("354\r\n"))).isEqualTo(new ReplyReader.Lines(354, List.of("")));
    assertThat(bounded.read(in("220 \r\n")).texts()).containsExactly("");
  }

  @Test
  void read_bareLf_endsTheLine() throws IOException {
    ReplyReader.Lines r = bounded.read(in("250-first\n250 second\n"));

    assertThat(r.texts()).containsExactly("first", "second");
  }

  @Test
  void read_crWithoutLf_staysInTheTextAndDoesNotEndTheLine() throws IOException {
    ReplyReader.Lines r = strict.read(in("250 ok\r250 injected\r\n"));

    assertThat(r.code()).isEqualTo(250);
    assertThat(r.texts()).containsExactly("ok\r250 injected");
  }

  @Test
  void read_overLongLineWithLf_cutAtMaxTextAndNextReplyReadable() throws IOException {
    InputStream in = in("250 " + "x".repeat(10_000) + "\r\n221 bye\r\n");

    ReplyReader.Lines first = bounded.read(in);

    assertThat(first.texts().getFirst()).isEqualTo("x".repeat(ReplyReader.MAX_TEXT - 4));
    assertThat(bounded.read(in)).isEqualTo(new ReplyReader.Lines(221, List.of("bye")));
  }

  @Test
  void read_lineWithoutLfPastTheBound_replyLineTooLong() {
    assertThatThrownBy(() -> bounded.read(endless("250 ")))
        .isInstanceOf(IOException.class)
        .hasMessage("reply line too long");
  }

  @Test
  void read_proxyReaderLineOverAMebibyte_refused() {
    assertThatThrownBy(() -> strict.read(in("250 " + "x".repeat(2 * MIB) + "\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessage("reply line too long");
  }

  @Test
  void read_proxyReader101Lines_refused() {
    assertThatThrownBy(() -> strict.read(in("250-x\r\n".repeat(100) + "250 x\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessage("reply has too many lines");
  }

  @Test
  void read_hundredLines_accepted() throws IOException {
    ReplyReader.Lines r = bounded.read(in("250-x\r\n".repeat(99) + "250 last\r\n"));

    assertThat(r.texts()).hasSize(100).endsWith("last");
  }

  @Test
  void read_moreLinesThanTheBound_tooManyLines() {
    assertThatThrownBy(() -> bounded.read(in("250-x\r\n".repeat(100) + "250 last\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessage("reply has too many lines");
  }

  @Test
  void read_nonAsciiDigitsAsCode_malformedWithTheLine() {
    // Arabic-Indic and fullwidth "250": Character.isDigit and Integer.parseInt accept both.
    for (String line : List.of("\u0662\u0665\u0660 ok", "\uff12\uff15\uff10 ok")) {
      assertThatThrownBy(() -> bounded.read(in(line + "\r\n")))
          .isInstanceOfSatisfying(ReplyReader.MalformedReplyException.class, e -> {
            assertThat(e.line()).isEqualTo(line);
            assertThat(e).hasMessage("malformed reply: " + line);
          });
    }
  }

  @Test
  void read_codeOutsideTheReplyClassesOrShortOrEmpty_malformed() {
    for (String line : List.of("199 almost", "600 beyond", "25", "", "-250 x", "2x0 y")) {
      assertThatThrownBy(() -> strict.read(in(line + "\r\n")))
          .isInstanceOf(ReplyReader.MalformedReplyException.class)
          .hasMessage("malformed reply: " + line);
    }
  }

  @Test
  void read_malformedContinuationLine_malformed() {
    assertThatThrownBy(() -> bounded.read(in("250-ok\r\nnonsense\r\n250 ok\r\n")))
        .isInstanceOf(ReplyReader.MalformedReplyException.class)
        .hasMessage("malformed reply: nonsense");
  }

  @Test
  void read_mixedCodesInAMultiLineReply_lastLineCodeDecides() throws IOException {
    ReplyReader.Lines r = bounded.read(in("250-accepted\r\n550 but refused\r\n"));

    assertThat(r.code()).isEqualTo(550);
    assertThat(r.texts()).containsExactly("accepted", "but refused");
  }

  @Test
  void read_otherFourthCharacter_endsTheReplyOnlyWhenNotStrict() throws IOException {
    assertThat(bounded.read(in("250xok\r\n"))).isEqualTo(new ReplyReader.Lines(250, List.of("ok")));
    assertThatThrownBy(() -> strict.read(in("250xok\r\n")))
        .isInstanceOf(ReplyReader.MalformedReplyException.class)
        .hasMessage("malformed reply: 250xok");
  }

  @Test
  void read_eofMidLineOrBetweenLinesOrAtOnce_lostConnection() {
    for (String text : List.of("250 par", "250-first\r\n", "")) {
      assertThatThrownBy(() -> strict.read(in(text)))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(ReplyReader.MalformedReplyException.class)
          .hasMessage("lost connection");
    }
  }

  @Test
  void read_deadlinePassesMidLine_timedOut() {
    AtomicInteger checks = new AtomicInteger();
    BooleanSupplier afterTenBytes = () -> checks.incrementAndGet() > 10;

    assertThatThrownBy(() -> bounded.read(endless("250-"), afterTenBytes))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessage("timed out");
    assertThat(checks).hasValue(11);
  }

  @Test
  void read_deadlineNotPassed_replyRead() throws IOException {
    assertThat(bounded.read(in("220 ready\r\n"), () -> false).code()).isEqualTo(220);
  }

  @Test
  void construct_boundsBelowOneLineOrOneText_refused() {
    assertThatThrownBy(() -> new ReplyReader(Separator.SPACE_OR_HYPHEN, 0, MIB))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReplyReader(Separator.SPACE_OR_HYPHEN, 100, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
