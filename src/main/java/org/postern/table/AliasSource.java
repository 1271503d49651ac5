package org.postern.table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads an aliases(5) file for postalias(1): {@code name: value, value, ...} per logical line,
 * the name optionally in double quotes. Names are unquoted and folded to lower case; the value
 * list is stored with its addresses separated by {@code ", "}, quoted strings, {@code <...>} and
 * comments kept, and backslash escapes outside quotes removed, as Postfix stores it.
 * {@code :include:}, {@code |command} and {@code /file} destinations are kept as text. Like
 * Postfix, the table gets a final {@code @ -> @} entry, which Sendmail-compatible readers take
 * as "the alias database is complete".
 *
 * <p>Failure: a line without {@code name:}, without a value, or with an unterminated quote is a
 * {@link TableException} naming {@code file, line N}; duplicate names are warnings, first wins.
 */
public final class AliasSource {
  private AliasSource() {}

  public static List<TableEntry> read(Path file, Consumer<String> warnings) throws TableException {
    SourceText source = SourceText.read(file);
    List<TableEntry> entries = new ArrayList<>(source.entries(AliasSource::entry, warnings));
    entries.add(new TableEntry("@", "@"));
    return entries;
  }

  private static TableEntry entry(String text, String where) throws TableException {
    int colon = nameEnd(text);
    String name = colon < 0 ? "" : MapTable.fold(unquote(text.substring(0, colon).strip()));
    if (name.isEmpty()) {
      throw new TableException(where + ": need name:value pair");
    }
    List<String> addresses = split(text.substring(colon + 1), where);
    if (addresses.isEmpty()) {
      throw new TableException(where + ": need name:value pair");
    }
    return new TableEntry(name, String.join(", ", addresses));
  }

  /** The index of the ':' after the name (outside quotes), or -1. */
  private static int nameEnd(String text) {
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ':' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  private static String unquote(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' && i + 1 < name.length()) {
        out.append(name.charAt(++i));
      } else if (c != '"') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The addresses of a value: split at commas outside quotes, angle brackets and comments. */
  private static List<String> split(String value, String where) throws TableException {
    List<String> items = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    boolean quoted = false;
    int angle = 0;
    int comment = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char next = value.charAt(++i);
        if (quoted || comment > 0) {
          item.append(c);
        }
        item.append(next);
        continue;
      }
      if (c == '"' && comment == 0) {
        quoted = !quoted;
      } else if (!quoted) {
        switch (c) {
          case '(' -> comment++;
          case ')' -> comment = Math.max(0, comment - 1);
          case '<' -> angle += comment == 0 ? 1 : 0;
          case '>' -> angle = comment == 0 ? Math.max(0, angle - 1) : angle;
          default -> {}
        }
        if (c == ',' && angle == 0 && comment == 0) {
          add(items, item);
          continue;
        }
      }
      item.append(c);
    }
    if (quoted) {
      throw new TableException(where + ": unterminated quoted string in \"" + value.strip() + "\"");
    }
    add(items, item);
    return items;
  }

  private static void add(List<String> items, StringBuilder item) {
    String s = item.toString().strip();
    if (!s.isEmpty()) {
      items.add(s);
    }
    item.setLength(0);
  }
}
