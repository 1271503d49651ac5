package org.postern.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code name = value} entries of one main.cf, in file order, before expansion.
 *
 * <p>Failure: a logical line without {@code =}, or whose name is not made of
 * {@code [A-Za-z0-9_]}, is a {@link ConfigException} naming the file and line. A name given twice
 * keeps the last value and leaves a warning, as Postfix does. The database table configuration
 * files (pgsql_table(5), mysql_table(5), ldap_table(5), memcache_table(5)) share this format and
 * this reader.
 */
public final class MainCf {
  /** One assignment as written: raw value with surrounding whitespace removed. */
  public record Entry(String name, String value, int line) {}

  private MainCf() {}

  /** Reads {@code file}; warnings (continuations, duplicates) are appended to {@code warnings}. */
  public static Map<String, Entry> read(Path file, List<String> warnings) throws ConfigException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (LogicalLines.Line line : LogicalLines.read(file, warnings)) {
      Entry entry = parse(file, line);
      Entry earlier = entries.remove(entry.name());
      if (earlier != null) {
        warnings.add(file + ", line " + entry.line() + ": overriding earlier entry: "
            + earlier.name() + "=" + earlier.value());
      }
      entries.put(entry.name(), entry);
    }
    return entries;
  }

  /** Parses one logical line, or fails naming file and line. */
  static Entry parse(Path file, LogicalLines.Line line) throws ConfigException {
    String text = line.text();
    int eq = text.indexOf('=');
    if (eq < 0) {
      throw new ConfigException(file, line.number(), null,
          "missing '=' after attribute name: \"" + text + "\"");
    }
    String name = text.substring(0, eq).strip();
    if (name.isEmpty()) {
      throw new ConfigException(file, line.number(), null, "missing attribute name: \"" + text + "\"");
    }
    if (!isValidName(name)) {
      throw new ConfigException(file, line.number(), null,
          "bad parameter name: \"" + name + "\" (only [A-Za-z0-9_] allowed)");
    }
    return new Entry(name, text.substring(eq + 1).strip(), line.number());
  }

  /** Postfix parameter names: letters, digits and underscores. */
  static boolean isValidName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isNameChar(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isNameChar(char c) {
    return c < 0x80 && (Character.isLetterOrDigit(c) || c == '_');
  }

  /** The names referenced by {@code $name}, {@code ${name...}} or {@code $(name...)} in a value. */
  static List<String> references(String value) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < value.length() - 1; i++) {
      if (value.charAt(i) != '$') {
        continue;
      }
      int j = i + 1;
      if (value.charAt(j) == '$') {
        i = j;
        continue;
      }
      if (value.charAt(j) == '{' || value.charAt(j) == '(') {
        j++;
      }
      int end = j;
      while (end < value.length() && isNameChar(value.charAt(end))) {
        end++;
      }
      if (end > j) {
        names.add(value.substring(j, end));
      }
    }
    return names;
  }
}
