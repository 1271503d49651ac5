package org.postern.table.db;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.config.ConfigException;
import org.postern.config.MainCf;
import org.postern.table.TableException;

/**
 * The configuration file of a database table, {@code pgsql:/etc/postfix/pgsql-aliases.cf}
 * (pgsql_table(5), mysql_table(5), ldap_table(5), memcache_table(5)): {@code name = value} lines
 * in main.cf syntax, {@code #} comments, blank lines, and lines that start with whitespace
 * continuing the one before. Values are taken as written: no {@code $name} expansion, as in
 * Postfix. A name given twice keeps the last value, with a warning.
 *
 * <p>Failure: an unreadable file or a line without {@code =} is a {@link TableException} naming
 * file and line; a value that is not a number, not {@code yes}/{@code no}, out of range or missing
 * where required names file, line and parameter. A name the table type does not know is a
 * warning that names it, so a misspelt {@code qeury} does not go unnoticed.
 */
public final class DbConfigFile {
  private final Path file;
  private final Map<String, MainCf.Entry> entries;

  private DbConfigFile(Path file, Map<String, MainCf.Entry> entries) {
    this.file = file;
    this.entries = entries;
  }

  /**
   * Reads {@code file}; names outside {@code known} and duplicates go to {@code warnings}.
   */
  public static DbConfigFile read(Path file, Set<String> known, Consumer<String> warnings)
      throws TableException {
    List<String> found = new ArrayList<>();
    Map<String, MainCf.Entry> entries;
    try {
      entries = MainCf.read(file, found);
    } catch (ConfigException e) {
      throw new TableException(e.getMessage(), e);
    }
    found.forEach(warnings);
    for (MainCf.Entry e : entries.values()) {
      if (!known.contains(e.name())) {
        warnings.accept(file + ", line " + e.line() + ": unknown parameter name: \"" + e.name()
            + "\" (ignored)");
      }
    }
    return new DbConfigFile(file, entries);
  }

  public Path file() {
    return file;
  }

  /** The value of {@code name} as written, if the file sets it. */
  public Optional<String> find(String name) {
    return Optional.ofNullable(entries.get(name)).map(MainCf.Entry::value);
  }

  /** The value of {@code name}, or {@code defaultValue} when the file does not set it. */
  public String string(String name, String defaultValue) {
    return find(name).orElse(defaultValue);
  }

  /** The value of {@code name}, which must be set and not empty. */
  public String required(String name) throws TableException {
    Optional<String> value = find(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      throw new TableException(file + ": parameter " + name + ": not set");
    }
    return value.get();
  }

  /** The number {@code name}, {@code defaultValue} when not set, within {@code min..max}. */
  public int integer(String name, int defaultValue, int min, int max) throws TableException {
    MainCf.Entry e = entries.get(name);
    if (e == null) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(e.value());
    } catch (NumberFormatException x) {
      throw problem(e, "bad numerical configuration: \"" + e.value() + "\"");
    }
    if (value < min || value > max) {
      throw problem(e, "value " + value + " is outside " + min + ".." + max);
    }
    return value;
  }

  /** The {@code yes}/{@code no} (any case) of {@code name}, {@code defaultValue} when not set. */
  public boolean bool(String name, boolean defaultValue) throws TableException {
    MainCf.Entry e = entries.get(name);
    if (e == null) {
      return defaultValue;
    }
    return switch (e.value().toLowerCase(Locale.ROOT)) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw problem(e, "bad boolean configuration: \"" + e.value() + "\"");
    };
  }

  /** An error about the value of {@code name}, naming file, line and parameter. */
  public TableException problem(String name, String reason) {
    MainCf.Entry e = entries.get(name);
    return e == null
        ? new TableException(file + ": parameter " + name + ": " + reason)
        : problem(e, reason);
  }

  private TableException problem(MainCf.Entry e, String reason) {
    return new TableException(
        file + ", line " + e.line() + ": parameter " + e.name() + ": " + reason);
  }
}
