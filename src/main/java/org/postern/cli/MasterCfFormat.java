package org.postern.cli;

import java.util.ArrayList;
import java.util.List;
import org.postern.config.MasterService;

/**
 * master.cf entries printed as {@code postconf -M} prints them: columns at Postfix's tab stops
 * (a long field pushes the next one right, later fields return to their column), {@code -o}
 * values in {@code name=value} or {@code {name=value}} form; with folding, each {@code -o} on its
 * own indented line and long command lines wrapped at 80 columns.
 */
final class MasterCfFormat {
  private static final int[] COLUMNS = {0, 11, 17, 25, 33, 41, 49, 57};
  private static final int WIDTH = 80;
  private static final String INDENT = "    ";

  private MasterCfFormat() {}

  static String format(MasterService s, boolean fold) {
    String[] fields = {s.service(), s.type().spelling(), s.privateField(), s.unprivField(),
        s.chrootField(), s.wakeupField(), s.maxprocField(), s.command()};
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        int target = Math.max(COLUMNS[i], line.length() + 1);
        line.append(" ".repeat(target - line.length()));
      }
      line.append(fields[i]);
    }
    List<String> overrides = new ArrayList<>();
    s.overrides().forEach((name, value) -> overrides.add("-o " + override(name, value)));
    if (!fold) {
      overrides.forEach(o -> line.append(' ').append(o));
      s.arguments().forEach(a -> line.append(' ').append(a));
      return line.toString();
    }
    StringBuilder out = new StringBuilder();
    List<String> words = new ArrayList<>(s.arguments());
    String first = line.toString();
    out.append(Postconf.fold(words.isEmpty() ? first : first + " " + String.join(" ", words), WIDTH));
    overrides.forEach(o -> out.append('\n').append(INDENT).append(o));
    return out.toString();
  }

  private static String override(String name, String value) {
    boolean spaces = value.chars().anyMatch(Character::isWhitespace);
    return spaces ? "{" + name + "=" + value + "}" : name + "=" + value;
  }
}
