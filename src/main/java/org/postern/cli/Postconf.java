package org.postern.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainCfEditor;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.config.ParameterType;
import org.postern.config.Parameters;
import org.postern.table.Tables;
import org.postern.util.Getopt;

/**
 * postconf(1): print or edit the configuration, with Postfix's flags. Without flags, every
 * effective value as {@code name = value}, sorted; {@code -d} defaults, {@code -n} only main.cf
 * entries, {@code -j} a JSON object instead, {@code -h} values only, {@code -x} expanded values,
 * {@code -f} folded lines; {@code -e name=value ...} and {@code -X name ...} edit main.cf;
 * {@code -M} prints master.cf. Values print unexpanded unless {@code -x}, whitespace collapsed,
 * as Postfix prints them.
 *
 * <p>Failure: a main.cf or master.cf that does not load prints the file, line and reason and
 * exits with EX_CONFIG; an unknown parameter name is a warning; a bad flag is EX_USAGE.
 */
public final class Postconf {
  private static final String USAGE = "usage: postconf [-c config_dir] [-d] [-e] [-f] [-h] [-j]"
      + " [-m] [-M] [-n] [-x] [-X] [name...]";
  private static final int FOLD_WIDTH = 80;

  private final PrintStream out;
  private final PrintStream err;

  private Postconf(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static int run(List<String> args) {
    return run(args, System.out, System.err);
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    return new Postconf(out, err).main(args);
  }

  private int main(List<String> args) {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:defhjmMnxX");
    } catch (Getopt.UsageException e) {
      err.println("postconf: " + e.getMessage());
      err.println("postconf: fatal: " + USAGE);
      return Sysexits.EX_USAGE;
    }
    if (g.has('m')) {
      Tables.supportedTypes().forEach(out::println);
      return Sysexits.EX_OK;
    }
    Path dir = ConfigDirectory.resolve(g.value('c'));
    try {
      if (g.has('e')) {
        return edit(dir, g.operands());
      }
      if (g.has('X')) {
        MainCfEditor.remove(dir.resolve("main.cf"), new LinkedHashSet<>(g.operands()));
        return Sysexits.EX_OK;
      }
      MainConfig config = MainConfig.load(dir);
      config.warnings().forEach(w -> err.println("postconf: warning: " + w));
      if (g.has('M')) {
        return master(config, g.operands(), g.has('f'));
      }
      return print(config, g);
    } catch (ConfigException e) {
      err.println("postconf: fatal: " + e.getMessage());
      return Sysexits.EX_CONFIG;
    }
  }

  private int edit(Path dir, List<String> operands) throws ConfigException {
    Map<String, String> edits = new LinkedHashMap<>();
    for (String operand : operands) {
      Map.Entry<String, String> e = MainCfEditor.parseAssignment(operand);
      edits.put(e.getKey(), e.getValue());
    }
    MainCfEditor.set(dir.resolve("main.cf"), edits);
    return Sysexits.EX_OK;
  }

  private int master(MainConfig config, List<String> operands, boolean fold) {
    for (MasterService s : config.masterCf().services()) {
      if (operands.isEmpty() || operands.contains(s.service()) || operands.contains(s.name())) {
        out.println(MasterCfFormat.format(s, fold));
      }
    }
    return Sysexits.EX_OK;
  }

  private int print(MainConfig config, Getopt g) throws ConfigException {
    boolean defaults = g.has('d');
    boolean explicitOnly = g.has('n');
    Map<String, String> explicit = config.explicit();
    Set<String> names = new LinkedHashSet<>();
    if (!g.operands().isEmpty()) {
      names.addAll(g.operands());
    } else if (explicitOnly) {
      names.addAll(explicit.keySet());
    } else {
      names.addAll(config.names());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : names) {
      String value = defaults ? config.defaultText(name).orElse(null)
          : explicitOnly ? explicit.get(name) : config.raw(name);
      if (value == null) {
        if (!explicitOnly || !config.names().contains(name)) {
          err.println("postconf: warning: " + name + ": unknown parameter");
        }
        continue;
      }
      values.put(name, normalize(g.has('x') ? expanded(config, name, value) : value));
    }
    if (g.has('j')) {
      out.println(json(values));
    } else {
      values.forEach((name, value) -> {
        String line = g.has('h') ? value : value.isEmpty() ? name + " =" : name + " = " + value;
        out.println(g.has('f') ? fold(line, FOLD_WIDTH) : line);
      });
    }
    return Sysexits.EX_OK;
  }

  /**
   * The value {@code -x} prints: expanded, except, as in Postfix, a parameter its reader expands
   * itself ({@code forward_path}); a parameter Postern knows only from Postfix's list is shown as
   * written when it does not expand ({@code smtpd_expansion_filter}, raw in Postfix).
   */
  private static String expanded(MainConfig config, String name, String value)
      throws ConfigException {
    if (!Parameters.typed(name)) {
      try {
        return config.expand(value);
      } catch (ConfigException e) {
        return value;
      }
    }
    boolean raw = config.spec(name).map(spec -> spec.type() == ParameterType.RAW).orElse(false);
    return raw ? value : config.expand(value);
  }

  /** Collapses whitespace runs to one space, as postconf prints values. */
  static String normalize(String value) {
    return String.join(" ", value.strip().split("\\s+"));
  }

  /** Wraps {@code line} at whitespace before {@code width}, continuation lines indented. */
  static String fold(String line, int width) {
    StringBuilder out = new StringBuilder();
    int lineStart = 0;
    for (String word : line.split(" ")) {
      if (out.length() > lineStart && out.length() - lineStart + 1 + word.length() > width) {
        out.append("\n    ");
        lineStart = out.length() - 4;
      } else if (out.length() > lineStart) {
        out.append(' ');
      }
      out.append(word);
    }
    return out.toString();
  }

  static String json(Map<String, String> values) {
    List<String> members = new ArrayList<>();
    values.forEach((name, value) -> members.add("  " + quote(name) + ": " + quote(value)));
    return members.isEmpty() ? "{}" : "{\n" + String.join(",\n", members) + "\n}";
  }

  private static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        case '\r' -> q.append("\\r");
        default -> {
          if (c < 0x20) {
            q.append(String.format("\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }
}
