package org.postern.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One destination in an alias value, a .forward file or an {@code :include:} file (aliases(5)):
 * an address to forward to, {@code /file/name}, {@code |command}, {@code :include:/file/name},
 * or a backslash and a user name (that user's own mailbox, no further expansion).
 */
sealed interface Target {
  record Address(String address) implements Target {}

  record File(Path path) implements Target {}

  record Command(String command) implements Target {}

  record Include(Path path) implements Target {}

  record Mailbox(String user) implements Target {}

  /**
   * The targets in {@code text}: items separated by commas (and, in files, line breaks) outside
   * double quotes; quotes are removed and a backslash escapes the next character inside them.
   * Lines starting with {@code #} are comments.
   */
  static List<Target> parse(String text) {
    List<Target> targets = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.strip().startsWith("#")) {
        continue;
      }
      for (String item : split(line)) {
        targets.add(of(item));
      }
    }
    return targets;
  }

  private static Target of(String item) {
    if (item.startsWith("|")) {
      return new Command(item.substring(1).strip());
    }
    if (item.startsWith("/")) {
      return new File(Path.of(item));
    }
    if (item.regionMatches(true, 0, ":include:", 0, 9)) {
      return new Include(Path.of(item.substring(9).strip()));
    }
    if (item.startsWith("\\")) {
      String user = item.substring(1);
      int at = user.lastIndexOf('@');
      return new Mailbox((at < 0 ? user : user.substring(0, at)).toLowerCase(Locale.ROOT));
    }
    return new Address(item.startsWith("<") && item.endsWith(">")
        ? item.substring(1, item.length() - 1) : item);
  }

  private static List<String> split(String line) {
    List<String> items = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '\\' && i + 1 < line.length()) {
        item.append(line.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        add(items, item);
      } else {
        item.append(c);
      }
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
