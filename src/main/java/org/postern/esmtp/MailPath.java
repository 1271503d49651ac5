package org.postern.esmtp;

/**
 * The RFC 5321 path in angle brackets that opens a MAIL FROM or RCPT TO argument. A {@code >}
 * inside a quoted local part or after a backslash does not close it.
 */
public final class MailPath {
  private MailPath() {}

  /** The index of the {@code >} closing the path that {@code text} opens with {@code <}; -1 if none. */
  public static int closingBracket(String text) {
    boolean quoted = false;
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '>' && !quoted) {
        return i;
      }
    }
    return -1;
  }
}
