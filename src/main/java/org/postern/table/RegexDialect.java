package org.postern.table;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The two regular-expression table types and how their {@code /pattern/flags} map onto
 * {@link java.util.regex.Pattern}. Flags toggle from each type's defaults, as regexp_table(5)
 * and pcre_table(5) document: regexp: {@code i} (on), {@code x} extended syntax (on), {@code m}
 * (off); pcre: {@code i} (on), {@code s} (on), {@code m}, {@code x}, {@code A}, {@code E} (off).
 *
 * <p>POSIX expressions are translated (bracket expressions, character classes, GNU escapes, basic
 * syntax when {@code x} is off); PCRE expressions are given to Java as they are, which accepts
 * the common Perl syntax. Java matches leftmost-first where POSIX matches leftmost-longest, which
 * can change what an alternation captures.
 */
enum RegexDialect {
  REGEXP("regexp", "imx", "ix"),
  PCRE("pcre", "imsxAEUX", "is");

  /** A compiled pattern and whether it must match at the start of the key ({@code A}). */
  record Compiled(Pattern pattern, boolean anchored) {}

  private final String spelling;
  private final String knownFlags;
  private final String defaultFlags;

  RegexDialect(String spelling, String knownFlags, String defaultFlags) {
    this.spelling = spelling;
    this.knownFlags = knownFlags;
    this.defaultFlags = defaultFlags;
  }

  String spelling() {
    return spelling;
  }

  /** Compiles {@code expression} with {@code flags} toggled; {@code where} prefixes errors. */
  Compiled compile(String expression, String flags, String where) throws TableException {
    StringBuilder on = new StringBuilder(defaultFlags);
    for (char f : flags.toCharArray()) {
      if (knownFlags.indexOf(f) < 0) {
        throw new TableException(where + ": unknown regexp option \"" + f + "\"");
      }
      if (f == 'U' || f == 'X') {
        throw new TableException(where + ": PCRE option \"" + f + "\" is not supported");
      }
      int at = on.indexOf(String.valueOf(f));
      if (at >= 0) {
        on.deleteCharAt(at);
      } else {
        on.append(f);
      }
    }
    String set = on.toString();
    try {
      return this == REGEXP ? posix(expression, set) : pcre(expression, set);
    } catch (PatternSyntaxException e) {
      throw new TableException(where + ": " + e.getDescription() + " in \"" + expression + "\"", e);
    }
  }

  private static Compiled posix(String expression, String on) {
    boolean multiline = on.indexOf('m') >= 0;
    int javaFlags = multiline ? Pattern.MULTILINE : Pattern.DOTALL;
    if (on.indexOf('i') >= 0) {
      javaFlags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    }
    String java = PosixRegex.toJava(expression, on.indexOf('x') >= 0, multiline);
    return new Compiled(Pattern.compile(java, javaFlags | Pattern.UNIX_LINES), false);
  }

  private static Compiled pcre(String expression, String on) {
    int javaFlags = Pattern.UNIX_LINES;
    if (on.indexOf('i') >= 0) {
      javaFlags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    }
    if (on.indexOf('s') >= 0) {
      javaFlags |= Pattern.DOTALL;
    }
    boolean multiline = on.indexOf('m') >= 0;
    if (multiline) {
      javaFlags |= Pattern.MULTILINE;
    }
    if (on.indexOf('x') >= 0) {
      javaFlags |= Pattern.COMMENTS;
    }
    boolean endOnly = on.indexOf('E') >= 0 && !multiline;
    String java = endOnly ? PosixRegex.dollarEndOnly(expression) : expression;
    return new Compiled(Pattern.compile(java, javaFlags), on.indexOf('A') >= 0);
  }
}
