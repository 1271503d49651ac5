package org.postern.util;

import java.util.function.Function;

/**
 * Postfix's {@code mac_expand()} without recursion, for templates whose macros are attributes of
 * one request rather than main.cf parameters (smtpd_reject_footer, ...): {@code $name}, {@code
 * ${name}}, {@code $(name)}, {@code ${name?text}} (text when the value is not empty), {@code
 * ${name:text}} (text when it is empty) and {@code $$}. Substituted values are not expanded again,
 * and their characters outside {@code filter} become underscores (Postfix's {@code
 * *_expansion_filter}) so that a client cannot smuggle text into a reply; an empty filter lets
 * everything through. A name the lookup does not know (null) expands to nothing.
 *
 * <p>Failure: a {@code ${} or {@code $(} without its closing bracket, or a {@code $} without a
 * name, is an {@link IllegalArgumentException}, as {@code mac_expand()} reports {@code
 * MAC_PARSE_ERROR}.
 */
public final class MacroExpansion {
  private MacroExpansion() {}

  /** Expands {@code template}; {@code lookup} answers a macro name with its value or null. */
  public static String expand(String template, Function<String, String> lookup, String filter) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
      } else if (i + 1 == template.length()) {
        throw new IllegalArgumentException("empty macro name: \"" + template + "\"");
      } else if (template.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (template.charAt(i + 1) == '{' || template.charAt(i + 1) == '(') {
        int close = closing(template, i + 1);
        out.append(bracketed(template.substring(i + 2, close), lookup, filter));
        i = close + 1;
      } else {
        int end = i + 1;
        while (end < template.length() && isNameChar(template.charAt(end))) {
          end++;
        }
        if (end == i + 1) {
          throw new IllegalArgumentException("empty macro name: \"" + template + "\"");
        }
        out.append(filtered(lookup.apply(template.substring(i + 1, end)), filter));
        i = end;
      }
    }
    return out.toString();
  }

  private static int closing(String template, int open) {
    char o = template.charAt(open);
    char want = o == '{' ? '}' : ')';
    int depth = 0;
    for (int j = open; j < template.length(); j++) {
      char ch = template.charAt(j);
      if (ch == o) {
        depth++;
      } else if (ch == want && --depth == 0) {
        return j;
      }
    }
    throw new IllegalArgumentException("truncated macro reference: \"" + template + "\"");
  }

  private static String bracketed(String body, Function<String, String> lookup, String filter) {
    int op = 0;
    while (op < body.length() && isNameChar(body.charAt(op))) {
      op++;
    }
    String name = body.substring(0, op);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty macro name in \"" + body + "\"");
    }
    String value = lookup.apply(name);
    boolean present = value != null && !value.isEmpty();
    if (op == body.length()) {
      return filtered(value, filter);
    }
    char operator = body.charAt(op);
    if (operator != '?' && operator != ':') {
      throw new IllegalArgumentException("bad macro expression \"" + body + "\"");
    }
    boolean wanted = operator == '?' ? present : !present;
    return wanted ? expand(body.substring(op + 1), lookup, filter) : "";
  }

  private static boolean isNameChar(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
  }

  private static String filtered(String value, String allowed) {
    if (value == null) {
      return "";
    }
    if (allowed.isEmpty()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      out.append(allowed.indexOf(c) >= 0 ? c : '_');
    }
    return out.toString();
  }

  /** C escapes as Postfix's {@code unescape()}: \a \b \f \n \r \t \v \\ and \ddd octal. */
  public static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000b');
        default -> {
          int end = i;
          while (end < s.length() && end < i + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
            end++;
          }
          if (end > i) {
            out.append((char) Integer.parseInt(s.substring(i, end), 8));
            i = end - 1;
          } else {
            out.append(n);
          }
        }
      }
    }
    return out.toString();
  }
}
