package org.postern.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.esmtp.MailPath;

/**
 * One SMTP command line split into its verb and argument text, plus the MAIL FROM / RCPT TO
 * argument grammar ({@code FROM:<path> [param...]}, space after the colon tolerated as Postfix
 * does).
 */
record CommandLine(String verb, String argument) {

  /** The path and ESMTP parameters of a MAIL or RCPT argument. */
  record PathArgument(String path, List<String> parameters) {}

  /** Empty for a blank line (Postfix: 500 5.5.2 Error: bad syntax). */
  static Optional<CommandLine> parse(String line) {
    String text = line.strip();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    int space = indexOfSpace(text, 0);
    if (space < 0) {
      return Optional.of(new CommandLine(text.toUpperCase(Locale.ROOT), ""));
    }
    return Optional.of(
        new CommandLine(text.substring(0, space).toUpperCase(Locale.ROOT), text.substring(space).strip()));
  }

  /** Whitespace-separated words of the argument. */
  List<String> words() {
    return argument.isEmpty() ? List.of() : List.of(argument.split("[ \t]+"));
  }

  /** Parses {@code KEYWORD:<path> params} (keyword "FROM" or "TO"); empty when malformed. */
  Optional<PathArgument> path(String keyword) {
    String prefix = keyword + ":";
    if (!argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Optional.empty();
    }
    String rest = argument.substring(prefix.length()).stripLeading();
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    int end = rest.startsWith("<") ? MailPath.closingBracket(rest) : indexOfSpace(rest, 0);
    if (end < 0 && rest.startsWith("<")) {
      return Optional.empty();
    }
    if (end < 0) {
      end = rest.length();
    } else if (rest.startsWith("<")) {
      end++;
    }
    String path = rest.substring(0, end);
    String params = rest.substring(end).strip();
    if (!params.isEmpty() && end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
      return Optional.empty();
    }
    List<String> parameters = new ArrayList<>();
    if (!params.isEmpty()) {
      parameters.addAll(List.of(params.split("[ \t]+")));
    }
    return Optional.of(new PathArgument(path, parameters));
  }

  /**
   * A client's text made safe for a reply, a header or a log line, as Postfix's {@code printable}
   * does: control characters (NUL, a bare CR, DEL, C1, the Unicode line separators) become '?'.
   */
  static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.chars().forEach(c -> b.append(control(c) ? '?' : (char) c));
    return b.toString();
  }

  static boolean control(int c) {
    return c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x2028 || c == 0x2029;
  }

  private static int indexOfSpace(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
        return i;
      }
    }
    return -1;
  }
}
