package org.postern.local;

import java.util.Map;

/**
 * Postfix's {@code local_expand(3)}: {@code $name}, {@code ${name}}, {@code $(name)}, {@code
 * ${name?value}} and {@code ${name:value}} in forward_path and mailbox_command, with the
 * recipient's attributes ({@code user}, {@code home}, {@code shell}, {@code recipient}, {@code
 * extension}, {@code domain}, {@code local}, {@code recipient_delimiter}). Characters of a
 * substituted value outside {@code filter} become underscores, so that a recipient cannot smuggle
 * shell syntax into a command (command_expansion_filter, forward_expansion_filter).
 *
 * <p>Failure: an unknown name expands to nothing; a missing closing brace is kept literally.
 */
final class LocalExpand {
  private LocalExpand() {}

  static String expand(String text, Map<String, String> values, String filter) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 == text.length()) {
        out.append(c);
        i++;
        continue;
      }
      char open = text.charAt(i + 1);
      if (open == '{' || open == '(') {
        int close = text.indexOf(open == '{' ? '}' : ')', i + 2);
        if (close < 0) {
          out.append(text, i, text.length());
          break;
        }
        out.append(conditional(text.substring(i + 2, close), values, filter));
        i = close + 1;
      } else {
        int end = i + 1;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
          end++;
        }
        out.append(filter(values.getOrDefault(text.substring(i + 1, end), ""), filter));
        i = end;
      }
    }
    return out.toString();
  }

  private static String conditional(String body, Map<String, String> values, String filter) {
    int op = 0;
    while (op < body.length() && body.charAt(op) != '?' && body.charAt(op) != ':') {
      op++;
    }
    String value = values.getOrDefault(body.substring(0, op), "");
    if (op == body.length()) {
      return filter(value, filter);
    }
    String alternative = expand(body.substring(op + 1), values, filter);
    return body.charAt(op) == '?'
        ? (value.isEmpty() ? "" : alternative)
        : (value.isEmpty() ? alternative : "");
  }

  private static String filter(String value, String allowed) {
    if (allowed.isEmpty()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      out.append(allowed.indexOf(c) >= 0 ? c : '_');
    }
    return out.toString();
  }
}
