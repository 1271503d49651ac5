package org.postern.util;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Postfix list values: items separated by whitespace or commas, where a {@code {...}}
 * group (possibly nested, possibly glued to a prefix such as {@code inline:{...}}) stays one item.
 *
 * <p>This is the shape of Postfix's {@code mystrtokq()} with the {@code "{}"} parens, used for
 * parameter lists, {@code inline:} tables and policy lists alike.
 *
 * <p>Failure: an unbalanced brace is reported as {@link IllegalArgumentException} naming the
 * offending text, never silently repaired.
 */
public final class ParameterList {
  private static final String SEPARATORS = " \t\r\n,";

  private ParameterList() {}

  /** Splits {@code value} into items; braces group, separators outside braces split. */
  public static List<String> split(String value) {
    return split(value, SEPARATORS);
  }

  /** As {@link #split(String)} with caller-chosen separator characters. */
  public static List<String> split(String value, String separators) {
    List<String> items = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (depth == 0 && separators.indexOf(c) >= 0) {
        flush(items, item);
        continue;
      }
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (depth == 0) {
          throw new IllegalArgumentException("unbalanced '}' in \"" + value + "\"");
        }
        depth--;
      }
      item.append(c);
    }
    if (depth != 0) {
      throw new IllegalArgumentException("missing '}' in \"" + value + "\"");
    }
    flush(items, item);
    return items;
  }

  /**
   * Removes one pair of enclosing braces and the whitespace just inside them, as Postfix's
   * {@code extpar()} does: {@code "{ a b }"} becomes {@code "a b"}. Text without a leading brace
   * is returned trimmed.
   */
  public static String stripBraces(String text) {
    String t = text.strip();
    if (!t.startsWith("{")) {
      return t;
    }
    if (!t.endsWith("}")) {
      throw new IllegalArgumentException("missing '}' in \"" + text + "\"");
    }
    return t.substring(1, t.length() - 1).strip();
  }

  private static void flush(List<String> items, StringBuilder item) {
    if (!item.isEmpty()) {
      items.add(item.toString());
      item.setLength(0);
    }
  }
}
