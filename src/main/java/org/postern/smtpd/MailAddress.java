package org.postern.smtpd;

/**
 * An envelope address from MAIL FROM or RCPT TO, in Postfix's internal (unquoted) form.
 *
 * <p>The deprecated source route ({@code <@a,@b:user@c>}) is dropped as Postfix's {@code
 * extract_addr} does, so the address is judged by {@code user@c}. A quoted local part keeps its
 * characters, including {@code @}, which relay checks then resolve (see {@link Destinations}).
 *
 * <p>Failure: malformed syntax throws {@link IllegalArgumentException}; the session replies 501.
 */
record MailAddress(String localPart, String domain) {
  private static final String SPECIALS = "()<>[]:;@\\,\"";

  static final MailAddress NULL_SENDER = new MailAddress("", "");

  /** Parses {@code <address>} or a bare address; {@code <>} is the null sender. */
  static MailAddress parse(String token) {
    String text = token;
    if (text.startsWith("<")) {
      if (!text.endsWith(">") || text.length() < 2) {
        throw new IllegalArgumentException("unbalanced <>");
      }
      text = text.substring(1, text.length() - 1);
    }
    if (text.isEmpty()) {
      return NULL_SENDER;
    }
    if (text.startsWith("@")) {
      int colon = text.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("source route without colon");
      }
      text = text.substring(colon + 1);
    }
    StringBuilder local = new StringBuilder();
    int i = localPart(text, local);
    if (i == text.length()) {
      return new MailAddress(local.toString(), "");
    }
    if (text.charAt(i) != '@' || i + 1 == text.length()) {
      throw new IllegalArgumentException("bad domain");
    }
    String domain = text.substring(i + 1);
    checkDomain(domain);
    return new MailAddress(local.toString(), domain);
  }

  private static int localPart(String text, StringBuilder local) {
    if (text.startsWith("\"")) {
      int i = 1;
      for (; i < text.length() && text.charAt(i) != '"'; i++) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length()) {
          c = text.charAt(++i);
        }
        if (c < 0x20 || c == 0x7f) {
          throw new IllegalArgumentException("control character in quoted local part");
        }
        local.append(c);
      }
      if (i == text.length()) {
        throw new IllegalArgumentException("unterminated quoted local part");
      }
      return i + 1;
    }
    int i = 0;
    for (; i < text.length() && text.charAt(i) != '@'; i++) {
      char c = text.charAt(i);
      if (c <= 0x20 || c == 0x7f || SPECIALS.indexOf(c) >= 0) {
        throw new IllegalArgumentException("bad character in local part");
      }
      local.append(c);
    }
    if (local.isEmpty()) {
      throw new IllegalArgumentException("empty local part");
    }
    return i;
  }

  private static void checkDomain(String domain) {
    if (domain.startsWith("[")) {
      if (!domain.endsWith("]") || !domain.matches("\\[[0-9A-Za-z:.\\-]+\\]")) {
        throw new IllegalArgumentException("bad address literal");
      }
      return;
    }
    // One trailing dot is the root, as Postfix takes it (trivial-rewrite drops it in cleanup);
    // "x..", "." and "@." stay malformed.
    String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        throw new IllegalArgumentException("bad domain label");
      }
      for (char c : label.toCharArray()) {
        if (c < 0x80 && !(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
          throw new IllegalArgumentException("bad character in domain");
        }
      }
    }
  }

  boolean isNull() {
    return localPart.isEmpty() && domain.isEmpty();
  }

  /** The internal form: {@code local@domain}, {@code local}, or empty for the null sender. */
  String internal() {
    return domain.isEmpty() ? localPart : localPart + "@" + domain;
  }

  boolean isAscii() {
    return internal().chars().allMatch(c -> c < 0x80);
  }
}
