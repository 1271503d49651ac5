package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random command lines through smtpd's pure parsers: {@link CommandLine}, {@link
 * MailAddress} and {@link EsmtpParameters} give a verdict (a value, empty, or their one declared
 * exception) for every input and never throw anything else. The inputs mix SMTP words, brackets,
 * quotes, parameters, control characters (NUL, bare CR and LF, DEL), 8-bit bytes decoded as
 * Latin-1 and valid UTF-8, as a hostile client sends them. A failure prints seed and round.
 */
class CommandParsersFuzzTest {
  private static final long SEED = 0x534d_5450_44L;
  private static final int ROUNDS = 5000;
  private static final List<String> PIECES = List.of(
      "MAIL", "RCPT", "FROM:", "TO:", "from:", " ", "  ", "\t", "<", ">", "<>", "@", "\"", "\\", ":",
      ",", ".", "[", "]", "a", "user", "example.com", "[127.0.0.1]", "[IPv6:::1]", "SIZE=", "SIZE=10",
      "SIZE=99999999999999999999", "BODY=8BITMIME", "BODY=7BIT", "BODY=BINARYMIME", "RET=FULL",
      "RET=HDRS", "ENVID=", "ENVID=a+2Bb", "AUTH=<>", "AUTH=+", "SMTPUTF8", "REQUIRETLS", "NOTIFY=",
      "NOTIFY=NEVER", "NOTIFY=SUCCESS,FAILURE,DELAY", "ORCPT=", "ORCPT=rfc822;a@b", "ORCPT=;",
      "ORCPT=rfc822;+0D+0A", "+", "+0", "+00", "=", "\u0000", "\r", "\n", "\u007f", "\u00e9",
      "\u00ff", "\u00c3", "\u00a0", "\u2028", "\u00e4\u00f6\u00fc", "\ud83d\udce7", "@a,@b:", "x".repeat(70));

  private static final EsmtpParameters.Allowed[] ALLOWED = {
    new EsmtpParameters.Allowed(true, true, true), new EsmtpParameters.Allowed(false, false, false)
  };

  @Test
  void parsers_randomCommandLines_giveAVerdictAndNeverThrowOtherwise() {
    Random random = new Random(SEED);
    for (int i = 0; i < ROUNDS; i++) {
      String line = randomLine(random);
      try {
        check(line);
      } catch (Throwable t) {
        fail("seed " + SEED + " round " + i + ": " + t + " for " + escape(line), t);
      }
    }
  }

  @Test
  void parseMail_unsupportedOptionWithBareCrAndNul_replies555WithQuestionMarks() {
    assertThatThrownBy(() -> EsmtpParameters.parseMail(List.of("X=a\rb\u0000"), ALLOWED[0]))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.reply().toString())
            .isEqualTo("555 5.5.4 Unsupported option: X=a?b?"));
  }

  @Test
  void parseRcpt_orcptDecodingToCrLf_replies501() {
    assertThatThrownBy(() -> EsmtpParameters.parseRcpt(List.of("ORCPT=rfc822;a@b+0D+0AX:+20y"), ALLOWED[0]))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.reply().toString())
            .isEqualTo("501 5.5.4 Error: Bad ORCPT parameter syntax"));
  }

  private static void check(String line) {
    Optional<CommandLine> parsed = CommandLine.parse(line);
    if (parsed.isEmpty()) {
      assertThat(line.strip()).isEmpty();
      return;
    }
    CommandLine cmd = parsed.get();
    assertThat(cmd.verb()).isNotEmpty();
    cmd.words();
    mailAddress(cmd.argument());
    for (String keyword : List.of("FROM", "TO")) {
      Optional<CommandLine.PathArgument> arg = cmd.path(keyword);
      if (arg.isPresent()) {
        mailAddress(arg.get().path());
        for (EsmtpParameters.Allowed allowed : ALLOWED) {
          parameters(arg.get().parameters(), allowed);
        }
      }
    }
  }

  private static void mailAddress(String token) {
    try {
      MailAddress a = MailAddress.parse(token);
      assertThat(a.internal()).doesNotContain("\r", "\n", "\u0000");
    } catch (IllegalArgumentException expected) {
      // the declared verdict for bad syntax: 501 in the session
    }
  }

  private static void parameters(List<String> params, EsmtpParameters.Allowed allowed) {
    try {
      EsmtpParameters.Mail mail = EsmtpParameters.parseMail(params, allowed);
      mail.envid().ifPresent(e -> assertThat(e).doesNotContain("\r", "\n", "\u0000"));
    } catch (ReplyException expected) {
      assertThat(expected.reply().code()).isBetween(500, 599);
    }
    try {
      EsmtpParameters.Rcpt rcpt = EsmtpParameters.parseRcpt(params, allowed);
      rcpt.orcpt().ifPresent(o -> assertThat(o.address()).doesNotContain("\r", "\n", "\u0000"));
    } catch (ReplyException expected) {
      assertThat(expected.reply().code()).isBetween(500, 599);
    }
  }

  /** Half the lines start like MAIL or RCPT, so that the path and parameter parsers see them. */
  private static String randomLine(Random random) {
    StringBuilder b = new StringBuilder();
    switch (random.nextInt(4)) {
      case 0 -> b.append("MAIL FROM:<a@example.com> ");
      case 1 -> b.append("RCPT TO:");
      default -> { }
    }
    int pieces = random.nextInt(12);
    for (int p = 0; p < pieces; p++) {
      if (random.nextInt(8) == 0) {
        byte[] raw = new byte[1 + random.nextInt(6)];
        random.nextBytes(raw);
        // Bytes as smtpd sees them after a lenient decode: any char, including controls.
        b.append(new String(raw, StandardCharsets.ISO_8859_1));
      } else {
        b.append(PIECES.get(random.nextInt(PIECES.size())));
      }
    }
    return b.toString();
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.toString();
  }
}
