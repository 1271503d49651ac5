package org.postern.smtpd;

import java.util.List;

/**
 * One SMTP reply: a three-digit code, an RFC 3463 enhanced status code (empty for the greeting,
 * HELO/EHLO and a few Postfix replies that carry none), and one or more text lines.
 *
 * <p>Values are checked here so that no malformed reply can reach the wire.
 */
record Reply(int code, String enhanced, List<String> lines) {
  Reply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code out of range: " + code);
    }
    if (!enhanced.isEmpty() && !enhanced.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
      throw new IllegalArgumentException("bad enhanced status code: " + enhanced);
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("reply without text");
    }
    for (String line : lines) {
      if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("reply text contains a line break: " + line);
      }
    }
    lines = List.copyOf(lines);
  }

  static Reply of(int code, String enhanced, String text) {
    return new Reply(code, enhanced, List.of(text));
  }

  /** A reply without an enhanced status code. */
  static Reply plain(int code, String text) {
    return new Reply(code, "", List.of(text));
  }

  /** 4xx or 5xx. */
  boolean isError() {
    return code >= 400;
  }

  /** The reply as CRLF-terminated wire lines; {@code enhancedCodes} false drops the x.y.z. */
  String render(boolean enhancedCodes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (enhancedCodes && !enhanced.isEmpty()) {
        out.append(enhanced).append(' ');
      }
      out.append(lines.get(i)).append("\r\n");
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return render(true).stripTrailing();
  }
}
