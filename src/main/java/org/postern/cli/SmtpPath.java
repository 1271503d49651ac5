package org.postern.cli;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.esmtp.MailPath;
import org.postern.esmtp.Xtext;
import org.postern.queue.DsnNotify;

/**
 * The argument of MAIL FROM and RCPT TO in {@code sendmail -bs}: the path in angle brackets
 * (a bare address is accepted, as Postfix's smtpd does by default) and the {@code NAME=value}
 * parameters after it; plus the RFC 3461 value syntaxes (NOTIFY, ORCPT; xtext is in org.postern.esmtp).
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
      int close = MailPath.closingBracket(rest);
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
    return Xtext.decode(value.substring(semi + 1)).filter(a -> !a.isEmpty())
        .map(a -> value.substring(0, semi) + ";" + a);
  }
}
