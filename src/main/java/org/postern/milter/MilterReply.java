package org.postern.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMTP reply from a milter (SMFIR_REPLYCODE, or Postfix's replies for reject and tempfail):
 * a 4xx or 5xx code, the RFC 3463 enhanced status of the first line (empty when the milter gave
 * none), and the text of each line. Multi-line replies come as {@code 550-5.7.1 one\r\n550 5.7.1
 * two}.
 *
 * <p>Failure: {@link #parse} answers empty for text Postfix would not accept: a code outside 4xx
 * and 5xx, a missing space or dash after the code, an enhanced status of another class than the
 * code, a bare CR or LF, a NUL, a final line ending in CRLF.
 */
public record MilterReply(int code, String enhanced, List<String> lines) {
  private static final Pattern LINE = Pattern.compile("([45][0-9][0-9])([ -])(.*)", Pattern.DOTALL);
  private static final Pattern ENHANCED = Pattern.compile("([245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?: (.*))?", Pattern.DOTALL);

  public MilterReply {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("not a 4xx or 5xx reply: " + code);
    }
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("reply without text");
    }
  }

  /**
   * Parses a reply as a milter sent it; Sendmail's doubled {@code %%} becomes {@code %} and a
   * single {@code %} is dropped, as Postfix does.
   */
  public static Optional<MilterReply> parse(String text) {
    String[] raw = text.split("\r\n", -1);
    int code = 0;
    String enhanced = "";
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < raw.length; i++) {
      boolean last = i == raw.length - 1;
      Matcher m = LINE.matcher(raw[i]);
      if (!m.matches() || raw[i].indexOf('\r') >= 0 || raw[i].indexOf('\n') >= 0
          || raw[i].indexOf('\0') >= 0 || !m.group(2).equals(last ? " " : "-")) {
        return Optional.empty();
      }
      int lineCode = Integer.parseInt(m.group(1));
      String rest = m.group(3);
      if (!rest.isEmpty() && Character.isDigit(rest.charAt(0)) && rest.charAt(0) != m.group(1).charAt(0)) {
        return Optional.empty();
      }
      Matcher e = ENHANCED.matcher(rest);
      if (i == 0) {
        code = lineCode;
        if (e.matches()) {
          enhanced = e.group(1);
        }
      }
      if (!enhanced.isEmpty() && e.matches() && e.group(1).equals(enhanced)) {
        rest = e.group(2) == null ? "" : e.group(2);
      }
      lines.add(unpercent(rest));
    }
    if (lines.stream().allMatch(String::isEmpty)) {
      lines.set(lines.size() - 1, "Command rejected");
    }
    return Optional.of(new MilterReply(code, enhanced, lines));
  }

  private static String unpercent(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        out.append(c);
      } else if (i + 1 < text.length() && text.charAt(i + 1) == '%') {
        out.append('%');
        i++;
      }
    }
    return out.toString();
  }

  /** 421: the SMTP server says so and hangs up. */
  public boolean disconnects() {
    return code == 421;
  }

  public boolean temporary() {
    return code < 500;
  }

  /** The first line as Postfix logs it: {@code 550 5.7.1 text}. */
  public String firstLine() {
    return code + " " + (enhanced.isEmpty() ? "" : enhanced + " ") + lines.get(0);
  }

  /**
   * The reply as Postfix logs it: every line with its code, the line breaks shown as {@code ??}
   * ({@code 550-5.7.1 one??550 5.7.1 two}).
   */
  public String logText() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      b.append(i == 0 ? "" : "??").append(code).append(i == lines.size() - 1 ? ' ' : '-')
          .append(enhanced.isEmpty() ? "" : enhanced + " ").append(lines.get(i));
    }
    return b.toString();
  }

  /** All lines joined with a space, for a one-line answer (cleanup's reason). */
  public String text() {
    return String.join(" ", lines);
  }

  @Override
  public String toString() {
    return firstLine();
  }
}
