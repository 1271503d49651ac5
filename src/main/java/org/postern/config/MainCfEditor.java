package org.postern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Edits main.cf in place as {@code postconf -e} and {@code postconf -X} do: comments, blank
 * lines and order are kept; an edited entry's continuation lines are replaced by one
 * {@code name = value} line; new names are appended. The file is replaced atomically.
 *
 * <p>Failure: a bad name, or an unreadable or unwritable file, is a {@link ConfigException}.
 */
public final class MainCfEditor {
  private MainCfEditor() {}

  /** Sets each of {@code edits} (name to value) in {@code file}, creating it if needed. */
  public static void set(Path file, Map<String, String> edits) throws ConfigException {
    rewrite(file, new LinkedHashMap<>(edits), Set.of());
  }

  /** Removes every entry for the names in {@code names}. */
  public static void remove(Path file, Set<String> names) throws ConfigException {
    rewrite(file, new LinkedHashMap<>(), names);
  }

  /** Splits {@code name=value} or {@code name = value}; fails on a missing '=' or bad name. */
  public static Map.Entry<String, String> parseAssignment(String text) throws ConfigException {
    int eq = text.indexOf('=');
    String name = eq < 0 ? text.strip() : text.substring(0, eq).strip();
    if (eq < 0 || !MainCf.isValidName(name)) {
      throw new ConfigException(null, 0, null, "need name=value, found \"" + text + "\"");
    }
    return Map.entry(name, text.substring(eq + 1).strip());
  }

  private static void rewrite(Path file, Map<String, String> edits, Set<String> removals)
      throws ConfigException {
    for (String name : edits.keySet()) {
      if (!MainCf.isValidName(name)) {
        throw new ConfigException(file, 0, name, "bad parameter name");
      }
    }
    List<String> lines = read(file);
    List<String> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i++);
      String name = entryName(line);
      if (name == null || !edits.containsKey(name) && !removals.contains(name)) {
        out.add(line);
        continue;
      }
      if (edits.containsKey(name)) {
        out.add(name + " = " + edits.get(name));
        done.add(name);
      }
      while (i < lines.size() && (LogicalLines.isBlankOrComment(lines.get(i))
          || LogicalLines.startsWithWhitespace(lines.get(i)))) {
        String next = lines.get(i++);
        if (LogicalLines.isBlankOrComment(next)) {
          out.add(next);
        }
      }
    }
    edits.forEach((name, value) -> {
      if (!done.contains(name)) {
        out.add(name + " = " + value);
      }
    });
    write(file, out);
  }

  /** The name a line assigns, or null for comments, blanks, continuations and junk. */
  private static String entryName(String line) {
    if (LogicalLines.isBlankOrComment(line) || LogicalLines.startsWithWhitespace(line)) {
      return null;
    }
    int eq = line.indexOf('=');
    String name = eq < 0 ? "" : line.substring(0, eq).strip();
    return MainCf.isValidName(name) ? name : null;
  }

  private static List<String> read(Path file) throws ConfigException {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file, 0, null, "read: " + e.getMessage());
    }
  }

  private static void write(Path file, List<String> lines) throws ConfigException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try {
      StringBuilder text = new StringBuilder();
      lines.forEach(l -> text.append(l).append('\n'));
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ConfigException(file, 0, null, "write: " + e.getMessage());
    }
  }
}
