package org.postern.cli;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.queue.DsnNotify;

/**
 * The argument of MAIL FROM and RCPT TO in {@code sendmail -bs}: the path in angle brackets
 * (a bare address is accepted, as Postfix's smtpd does by default) and the {@code NAME=value}
 * parameters after it; plus the RFC 3461 value syntaxes (xtext, NOTIFY, ORCPT).
 */
record SmtpPath(String address, List<Map.Entry<String, String>> parameters) {
  /** Parses {@code FROM:<a@b> SIZE=10}; empty when the syntax is wrong. */
  static Optional<SmtpPath> parse(String arg, String keyword) {
    if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) {
      return Optional.empty();
    }
    String rest = arg.substring(keyword.length()).stripLeading();
    String address;
    if (rest.startsWith("<")) {
      int close = closingBracket(rest);
      if (close < 0) {
        return Optional.empty();
      }
      address = rest.substring(1, close);
      rest = rest.substring(close + 1);
      if (!rest.isEmpty() && !Character.isWhitespace(rest.charAt(0))) {
        return Optional.empty();
      }
    } else {
      String[] words = rest.split("\\s+", 2);
      address = words[0];
      rest = words.length > 1 ? words[1] : "";
      if (address.isEmpty()) {
        return Optional.empty();
      }
    }
    List<String> found = Rfc822Addresses.parse("<" + address + ">");
    List<Map.Entry<String, String>> params = new ArrayList<>();
    for (String word : rest.strip().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      int eq = word.indexOf('=');
      params.add(new AbstractMap.SimpleImmutableEntry<>(
          eq < 0 ? word : word.substring(0, eq), eq < 0 ? "" : word.substring(eq + 1)));
    }
    return Optional.of(new SmtpPath(found.isEmpty() ? "" : found.get(0), List.copyOf(params)));
  }

  /** The index of the '>' that closes the path, skipping quoted strings; -1 if none. */
  private static int closingBracket(String s) {
    boolean quoted = false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
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

  /** RFC 3461 xtext: printable ASCII but '+' and '=', with "+HH" for other bytes. */
  static Optional<String> xtext(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '+') {
        if (i + 2 >= value.length() || !value.substring(i + 1, i + 3).matches("[0-9A-F]{2}")) {
          return Optional.empty();
        }
        sb.append((char) Integer.parseInt(value.substring(i + 1, i + 3), 16));
        i += 2;
      } else if (c < 33 || c > 126 || c == '=') {
        return Optional.empty();
      } else {
        sb.append(c);
      }
    }
    return Optional.of(sb.toString());
  }

  /** NOTIFY=NEVER or a comma list of SUCCESS, FAILURE, DELAY. */
  static Optional<Set<DsnNotify>> notify(String value) {
    Set<DsnNotify> flags = EnumSet.noneOf(DsnNotify.class);
    for (String word : value.split(",", -1)) {
      try {
        flags.add(DsnNotify.valueOf(word.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    if (flags.contains(DsnNotify.NEVER) && flags.size() > 1) {
      return Optional.empty();
    }
    return Optional.of(flags);
  }

  /** ORCPT=addr-type;xtext, stored decoded as {@code addr-type;address}. */
  static Optional<String> orcpt(String value) {
    int semi = value.indexOf(';');
    if (semi <= 0 || !value.substring(0, semi).matches("[A-Za-z0-9-]+")) {
      return Optional.empty();
    }
    return xtext(value.substring(semi + 1)).filter(a -> !a.isEmpty())
        .map(a -> value.substring(0, semi) + ";" + a);
  }
}
