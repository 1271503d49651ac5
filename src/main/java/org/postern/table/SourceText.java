package org.postern.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.util.ParameterList;

/**
 * The logical lines of a Postfix table source: blank lines and lines whose first non-blank
 * character is {@code #} are skipped, and a line that starts with whitespace continues the
 * previous one. An inline table ({@code type:{ {rule}, {rule} }}) becomes one line per rule, as
 * Postfix writes inline rules to an in-memory file.
 *
 * <p>Failure: a file that cannot be read is a {@link TableException} naming the file.
 */
final class SourceText {
  /** One logical line and the number of the physical line where it starts. */
  record Line(int number, String text) {}

  /** Turns one logical line into an entry; {@code where} ({@code file, line N}) for errors. */
  interface EntryParser {
    TableEntry parse(String text, String where) throws TableException;
  }

  private final String name;
  private final List<Line> lines;

  private SourceText(String name, List<Line> lines) {
    this.name = name;
    this.lines = List.copyOf(lines);
  }

  /** The source of a file-or-inline table name: {@code {...}} is inline, anything else a file. */
  static SourceText of(String tableName) throws TableException {
    return tableName.strip().startsWith("{") ? inline(tableName) : read(Path.of(tableName));
  }

  static SourceText read(Path file) throws TableException {
    List<String> physical;
    try {
      physical = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TableException("open " + file + ": No such file or directory", e);
    } catch (IOException e) {
      throw new TableException("open " + file + ": " + e.getMessage(), e);
    }
    return new SourceText(file.toString(), join(physical));
  }

  static SourceText inline(String braced) throws TableException {
    List<Line> lines = new ArrayList<>();
    try {
      int number = 0;
      for (String rule : ParameterList.split(ParameterList.stripBraces(braced))) {
        lines.add(new Line(++number, ParameterList.stripBraces(rule)));
      }
    } catch (IllegalArgumentException e) {
      throw new TableException("bad inline table " + braced + ": " + e.getMessage(), e);
    }
    return new SourceText(braced, lines);
  }

  /** The file name, or the inline text, as Postfix names the table in its messages. */
  String name() {
    return name;
  }

  List<Line> lines() {
    return lines;
  }

  /** {@code name, line N}, the prefix of every diagnostic about a line. */
  String where(Line line) {
    return name + ", line " + line.number();
  }

  /**
   * The entries of every line in order; of duplicate keys the first wins and each later one is a
   * warning, as postmap(1) and postalias(1) treat them.
   */
  List<TableEntry> entries(EntryParser parser, Consumer<String> warnings) throws TableException {
    List<TableEntry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Line line : lines) {
      TableEntry entry = parser.parse(line.text(), where(line));
      if (seen.add(entry.key())) {
        entries.add(entry);
      } else {
        warnings.accept(where(line) + ": duplicate entry: \"" + entry.key() + "\"");
      }
    }
    return entries;
  }

  private static List<Line> join(List<String> physical) {
    List<Line> lines = new ArrayList<>();
    StringBuilder text = null;
    int start = 0;
    for (int i = 0; i < physical.size(); i++) {
      String raw = physical.get(i);
      String stripped = raw.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      boolean continuation = Character.isWhitespace(raw.charAt(0));
      if (continuation && text != null) {
        text.append(raw.stripTrailing());
        continue;
      }
      if (text != null) {
        lines.add(new Line(start, text.toString()));
      }
      text = new StringBuilder(continuation ? stripped : raw.stripTrailing());
      start = i + 1;
    }
    if (text != null) {
      lines.add(new Line(start, text.toString()));
    }
    return lines;
  }
}
