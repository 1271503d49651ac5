package org.postern.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * {@code regexp:} and {@code pcre:} tables (Postfix regexp_table(5), pcre_table(5)):
 * {@code /pattern/flags result}, {@code !/pattern/flags result} and {@code if}/{@code endif}
 * blocks, first match wins, with {@code $1}, {@code ${1}} and {@code $(1)} substituted from the
 * match and {@code $$} for a dollar. Keys are not folded; case is the pattern's {@code i} flag.
 *
 * <p>Failure: a bad expression, a missing delimiter, an unknown flag or a bad substitution is a
 * {@link TableException} reading as Postfix's warning ({@code regexp map file, line N: ...});
 * Postfix skips such a rule, Postern refuses the table.
 */
final class RegexpTable extends TableBase {
  private final PatternRules rules;

  RegexpTable(String spec, String name, RegexDialect dialect) throws TableException {
    super(spec, MatchStyle.PATTERN);
    this.rules =
        PatternRules.parse(
            SourceText.of(name),
            dialect.spelling() + " map",
            (text, ifLine, where) -> parseLine(dialect, text, ifLine, where));
  }

  private record Expression(RegexDialect.Compiled compiled) implements PatternRules.Condition {
    @Override
    public Optional<List<String>> match(String key) {
      Matcher m = compiled.pattern().matcher(key);
      if (!(compiled.anchored() ? m.lookingAt() : m.find())) {
        return Optional.empty();
      }
      List<String> groups = new ArrayList<>();
      for (int g = 0; g <= m.groupCount(); g++) {
        String text = m.group(g);
        groups.add(text == null ? "" : text);
      }
      return Optional.of(groups);
    }
  }

  /** A result text cut into literal text and group numbers. */
  private record Template(List<Object> parts) implements PatternRules.Result {
    @Override
    public String expand(List<String> groups) {
      StringBuilder out = new StringBuilder();
      for (Object part : parts) {
        out.append(part instanceof Integer g ? groups.get(g) : (String) part);
      }
      return out.toString();
    }
  }

  private static PatternRules.Parsed parseLine(
      RegexDialect dialect, String text, boolean ifLine, String where) throws TableException {
    int i = 0;
    boolean negated = text.startsWith("!");
    if (negated) {
      i = skipWhitespace(text, 1);
    }
    if (i >= text.length() || !isDelimiter(text.charAt(i))) {
      throw new TableException(where + ": unrecognized request: \"" + text + "\"");
    }
    char delimiter = text.charAt(i);
    int close = closingDelimiter(text, i + 1, delimiter);
    if (close < 0) {
      throw new TableException(where + ": no closing regexp delimiter \"" + delimiter + "\"");
    }
    int flagsEnd = close + 1;
    while (flagsEnd < text.length() && !Character.isWhitespace(text.charAt(flagsEnd))) {
      flagsEnd++;
    }
    RegexDialect.Compiled compiled =
        dialect.compile(text.substring(i + 1, close), text.substring(close + 1, flagsEnd), where);
    String result = text.substring(flagsEnd).strip();
    if (ifLine) {
      if (!result.isEmpty()) {
        throw new TableException(where + ": extra text after IF statement: \"" + result + "\"");
      }
      return new PatternRules.Parsed(negated, new Expression(compiled), null);
    }
    int groups = compiled.pattern().matcher("").groupCount();
    return new PatternRules.Parsed(
        negated, new Expression(compiled), template(result, groups, negated, where));
  }

  private static boolean isDelimiter(char c) {
    return !Character.isLetterOrDigit(c) && !Character.isWhitespace(c) && c != '\\';
  }

  /** The index of the delimiter ending the pattern; a backslash protects the next character. */
  private static int closingDelimiter(String text, int from, char delimiter) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == delimiter) {
        return i;
      }
    }
    return -1;
  }

  private static int skipWhitespace(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  static Template template(String result, int groupCount, boolean negated, String where)
      throws TableException {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < result.length(); i++) {
      char c = result.charAt(i);
      if (c != '$') {
        literal.append(c);
        continue;
      }
      if (i + 1 < result.length() && result.charAt(i + 1) == '$') {
        literal.append('$');
        i++;
        continue;
      }
      int[] span = referenceSpan(result, i + 1);
      if (span[0] == span[1]) {
        throw new TableException(where + ": empty macro name: \"" + result + "\"");
      }
      String name = result.substring(span[0], span[1]);
      if (!name.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        throw new TableException(where + ": non-numeric replacement index \"" + name + "\"");
      }
      if (negated) {
        throw new TableException(where + ": $number found in negative match replacement text");
      }
      int n = name.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(name);
      if (n < 1 || n > groupCount) {
        throw new TableException(where + ": out of range replacement index \"" + name + "\"");
      }
      parts.add(literal.toString());
      literal.setLength(0);
      parts.add(n);
      i = span[2] - 1;
    }
    parts.add(literal.toString());
    return new Template(parts);
  }

  /**
   * The name after a {@code $} at {@code from}: {@code {name}}, {@code (name)} or a run of word
   * characters. Returns name start, name end, and the index after the reference.
   */
  private static int[] referenceSpan(String text, int from) {
    if (from < text.length() && (text.charAt(from) == '{' || text.charAt(from) == '(')) {
      char close = text.charAt(from) == '{' ? '}' : ')';
      int end = text.indexOf(close, from + 1);
      if (end >= 0) {
        return new int[] {from + 1, end, end + 1};
      }
      return new int[] {from, from, from};
    }
    int end = from;
    while (end < text.length()
        && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
      end++;
    }
    return new int[] {from, end, end};
  }

  @Override
  public Optional<String> find(String key) {
    return rules.find(key);
  }
}
