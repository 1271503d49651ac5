package org.postern.table;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the postmap(1) source format: {@code key whitespace value} per logical line, the key
 * optionally in double quotes so that it may contain whitespace (the quotes stay part of the
 * key, as Postfix stores them). Keys are folded to lower case; of duplicate keys the first wins,
 * with a warning, as Postfix's postmap does.
 *
 * <p>Failure: a line without a value or with an unterminated quote is a {@link TableException}
 * naming {@code file, line N}; Postfix only warns there, but a table silently missing a rule is
 * worse than one that does not build. Doubtful lines ({@code key: value}, duplicates) are
 * reported through the warning sink.
 */
public final class PostmapSource {
  private PostmapSource() {}

  /** Reads {@code file} in postmap(1) source format. */
  public static List<TableEntry> read(Path file, Consumer<String> warnings) throws TableException {
    return parse(SourceText.read(file), warnings);
  }

  static List<TableEntry> parse(SourceText source, Consumer<String> warnings)
      throws TableException {
    return source.entries((text, where) -> entry(text, where, warnings), warnings);
  }

  private static TableEntry entry(String text, String where, Consumer<String> warnings)
      throws TableException {
    int end = keyEnd(text);
    if (end < 0) {
      throw new TableException(where + ": unbalanced '\"' in key");
    }
    String key = MapTable.fold(text.substring(0, end));
    String value = text.substring(end).strip();
    if (value.isEmpty()) {
      throw new TableException(where + ": expected format: key whitespace value");
    }
    if (key.endsWith(":")) {
      warnings.accept(where + ": record is in \"key: value\" format; is this an alias file?");
    }
    return new TableEntry(key, value);
  }

  /** Index of the first whitespace outside double quotes, or -1 for an unbalanced quote. */
  private static int keyEnd(String text) {
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && Character.isWhitespace(c)) {
        return i;
      }
    }
    return quoted ? -1 : text.length();
  }
}
