package org.postern.table;

import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Rewrites POSIX regular expressions (regex(7), with the GNU extensions glibc accepts) into
 * {@link java.util.regex.Pattern} syntax, so that regexp: tables written for Postfix mean the
 * same thing here.
 *
 * <p>Failure: an unterminated bracket expression, an unknown character class or a trailing
 * backslash is a {@link PatternSyntaxException}, as Java reports its own syntax errors.
 */
final class PosixRegex {
  private static final Map<String, String> CLASSES =
      Map.ofEntries(
          Map.entry("alpha", "\\p{Alpha}"),
          Map.entry("digit", "\\p{Digit}"),
          Map.entry("alnum", "\\p{Alnum}"),
          Map.entry("upper", "\\p{Upper}"),
          Map.entry("lower", "\\p{Lower}"),
          Map.entry("space", "\\s"),
          Map.entry("blank", "\\p{Blank}"),
          Map.entry("punct", "\\p{Punct}"),
          Map.entry("print", "\\p{Print}"),
          Map.entry("graph", "\\p{Graph}"),
          Map.entry("cntrl", "\\p{Cntrl}"),
          Map.entry("xdigit", "\\p{XDigit}"));

  /** Characters that are special in basic syntax only when escaped, and literal otherwise. */
  private static final String BRE_ESCAPED_SPECIALS = "(){}|+?";

  private PosixRegex() {}

  /**
   * Translates {@code re}; {@code extended} selects ERE (else BRE); without {@code multiline},
   * {@code $} matches only at the very end, as POSIX's does.
   */
  static String toJava(String re, boolean extended, boolean multiline) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '[') {
        i = bracket(re, i, out);
      } else if (c == '\\') {
        if (i + 1 == re.length()) {
          throw new PatternSyntaxException("Trailing backslash", re, i);
        }
        escape(re.charAt(++i), extended, out);
      } else if (!extended && BRE_ESCAPED_SPECIALS.indexOf(c) >= 0) {
        out.append('\\').append(c);
      } else if (c == '$' && !multiline) {
        out.append("\\z");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void escape(char n, boolean extended, StringBuilder out) {
    if (!extended && BRE_ESCAPED_SPECIALS.indexOf(n) >= 0) {
      out.append(n);
      return;
    }
    switch (n) {
      case 'w', 'W', 's', 'S', 'b', 'B' -> out.append('\\').append(n);
      case '<' -> out.append("\\b(?=\\w)");
      case '>' -> out.append("\\b(?<=\\w)");
      case '`' -> out.append("\\A");
      case '\'' -> out.append("\\z");
      default -> {
        if (n >= '1' && n <= '9') {
          out.append('\\').append(n);
        } else if (Character.isLetterOrDigit(n)) {
          out.append(n);
        } else {
          out.append('\\').append(n);
        }
      }
    }
  }

  /** Translates the bracket expression starting at {@code start}; returns the index of its ']'. */
  private static int bracket(String re, int start, StringBuilder out) {
    int i = start + 1;
    out.append('[');
    if (i < re.length() && re.charAt(i) == '^') {
      out.append('^');
      i++;
    }
    if (i < re.length() && re.charAt(i) == ']') {
      out.append("\\]");
      i++;
    }
    for (; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == ']') {
        out.append(']');
        return i;
      }
      if (c == '[' && i + 1 < re.length() && ":.=".indexOf(re.charAt(i + 1)) >= 0) {
        char kind = re.charAt(i + 1);
        int close = re.indexOf(kind + "]", i + 2);
        if (close < 0) {
          throw new PatternSyntaxException("Unmatched [ or [^", re, start);
        }
        String name = re.substring(i + 2, close);
        if (kind == ':') {
          String java = CLASSES.get(name);
          if (java == null) {
            throw new PatternSyntaxException("Invalid character class name", re, i);
          }
          out.append(java);
        } else {
          name.chars().forEach(ch -> out.append('\\').append((char) ch));
        }
        i = close + 1;
      } else if ("\\[&^".indexOf(c) >= 0) {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    throw new PatternSyntaxException("Unmatched [ or [^", re, start);
  }

  /**
   * Rewrites each unescaped {@code $} outside a character class of a Perl-style expression to
   * {@code \z}, PCRE's DOLLAR_ENDONLY.
   */
  static String dollarEndOnly(String re) {
    StringBuilder out = new StringBuilder();
    boolean inClass = false;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\' && i + 1 < re.length()) {
        if (re.charAt(i + 1) == 'Q') {
          int end = re.indexOf("\\E", i + 2);
          int stop = end < 0 ? re.length() : end + 2;
          out.append(re, i, stop);
          i = stop - 1;
        } else {
          out.append(c).append(re.charAt(++i));
        }
      } else if (inClass) {
        inClass = c != ']';
        out.append(c);
      } else if (c == '[') {
        inClass = true;
        out.append(c);
        if (i + 1 < re.length() && re.charAt(i + 1) == '^') {
          out.append(re.charAt(++i));
        }
        if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
          out.append(re.charAt(++i));
        }
      } else if (c == '$') {
        out.append("\\z");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
