package org.postern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins physical lines into logical lines the way Postfix reads main.cf and master.cf: a line
 * that starts with whitespace continues the previous logical line, comment lines (first
 * non-whitespace character {@code #}) and blank lines are skipped without ending one.
 *
 * <p>Failure: a continuation with nothing to continue is dropped with a warning, as Postfix does;
 * an unreadable file is a {@link ConfigException} naming it.
 */
final class LogicalLines {
  /** One logical line: its text with trailing whitespace removed, and the first line's number. */
  record Line(int number, String text) {}

  private LogicalLines() {}

  static List<Line> read(Path file, List<String> warnings) throws ConfigException {
    List<String> physical;
    try {
      physical = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file, 0, null, "open: No such file or directory");
    } catch (IOException e) {
      throw new ConfigException(file, 0, null, "read: " + e.getMessage());
    }
    return join(file, physical, warnings);
  }

  static List<Line> join(Path file, List<String> physical, List<String> warnings) {
    List<Line> lines = new ArrayList<>();
    StringBuilder text = null;
    int start = 0;
    for (int i = 0; i < physical.size(); i++) {
      String raw = physical.get(i);
      if (isBlankOrComment(raw)) {
        continue;
      }
      if (startsWithWhitespace(raw)) {
        if (text == null) {
          warnings.add(file + ": logical line must not start with whitespace: \"" + abbreviate(raw) + "\"");
        } else {
          text.append(raw);
        }
        continue;
      }
      if (text != null) {
        lines.add(new Line(start, text.toString().stripTrailing()));
      }
      text = new StringBuilder(raw);
      start = i + 1;
    }
    if (text != null) {
      lines.add(new Line(start, text.toString().stripTrailing()));
    }
    return lines;
  }

  /** True for lines that neither start nor continue a logical line. */
  static boolean isBlankOrComment(String raw) {
    String t = raw.stripLeading();
    return t.isEmpty() || t.startsWith("#");
  }

  static boolean startsWithWhitespace(String raw) {
    return !raw.isEmpty() && Character.isWhitespace(raw.charAt(0));
  }

  private static String abbreviate(String s) {
    return s.length() > 30 ? s.substring(0, 30) : s;
  }
}
