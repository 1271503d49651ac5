package org.postern.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * POSIX {@code getopt(3)} for the command-line programs, so flags combine and take arguments
 * exactly as Postfix's commands accept them ({@code -qv}, {@code -c dir}, {@code -cdir}).
 * Postern's own commands may also name long options, as {@code getopt_long(3)} does: {@code
 * --name}, {@code --name=value} or {@code --name value}, spelled out in full; each stands for a
 * flag character (its {@code val}), which need not be in the short option string.
 *
 * <p>Failure: an unknown flag or long option, a missing argument, or an argument given to a long
 * option that takes none throws {@link UsageException} whose message reads like getopt's, for the
 * caller to print with its usage line.
 */
public final class Getopt {
  /** One parsed flag and its argument (null for flags without one). */
  public record Option(char flag, String argument) {}

  /** A long option {@code --name} that stands for {@code flag}. */
  public record LongOption(String name, boolean takesArgument, char flag) {}

  /** A command line that does not fit the option string. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }

  private final List<Option> options = new ArrayList<>();
  private final List<String> operands = new ArrayList<>();

  private Getopt() {}

  /**
   * Parses {@code args} against {@code spec} (getopt syntax: a letter followed by ':' takes an
   * argument). Parsing stops at the first operand or at {@code --}.
   */
  public static Getopt parse(List<String> args, String spec) throws UsageException {
    return parse(args, spec, List.of());
  }

  /** As {@link #parse(List, String)}, also accepting the long options {@code longs}. */
  public static Getopt parse(List<String> args, String spec, List<LongOption> longs)
      throws UsageException {
    Getopt g = new Getopt();
    int i = 0;
    while (i < args.size()) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        i++;
        break;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        break;
      }
      i++;
      if (arg.startsWith("--")) {
        i = g.longOption(args, i, arg.substring(2), longs);
        continue;
      }
      for (int j = 1; j < arg.length(); j++) {
        char flag = arg.charAt(j);
        int at = spec.indexOf(flag);
        if (flag == ':' || at < 0) {
          throw new UsageException("invalid option -- '" + flag + "'");
        }
        boolean takesArgument = at + 1 < spec.length() && spec.charAt(at + 1) == ':';
        if (!takesArgument) {
          g.options.add(new Option(flag, null));
          continue;
        }
        String value;
        if (j + 1 < arg.length()) {
          value = arg.substring(j + 1);
        } else if (i < args.size()) {
          value = args.get(i++);
        } else {
          throw new UsageException("option requires an argument -- '" + flag + "'");
        }
        g.options.add(new Option(flag, value));
        break;
      }
    }
    g.operands.addAll(args.subList(i, args.size()));
    return g;
  }

  /** Adds the long option {@code text} ({@code name[=value]}); returns the next index. */
  private int longOption(List<String> args, int next, String text, List<LongOption> longs)
      throws UsageException {
    int eq = text.indexOf('=');
    String name = eq < 0 ? text : text.substring(0, eq);
    Optional<LongOption> known = longs.stream().filter(o -> o.name().equals(name)).findFirst();
    if (known.isEmpty()) {
      throw new UsageException("unrecognized option '--" + name + "'");
    }
    LongOption o = known.get();
    if (!o.takesArgument()) {
      if (eq >= 0) {
        throw new UsageException("option '--" + name + "' doesn't allow an argument");
      }
      options.add(new Option(o.flag(), null));
      return next;
    }
    if (eq >= 0) {
      options.add(new Option(o.flag(), text.substring(eq + 1)));
      return next;
    }
    if (next >= args.size()) {
      throw new UsageException("option '--" + name + "' requires an argument");
    }
    options.add(new Option(o.flag(), args.get(next)));
    return next + 1;
  }

  /** The flags in command-line order, repeats included. */
  public List<Option> options() {
    return List.copyOf(options);
  }

  public boolean has(char flag) {
    return options.stream().anyMatch(o -> o.flag() == flag);
  }

  /** The argument of the last occurrence of {@code flag}, or null. */
  public String value(char flag) {
    String v = null;
    for (Option o : options) {
      if (o.flag() == flag) {
        v = o.argument();
      }
    }
    return v;
  }

  /** The arguments after the flags. */
  public List<String> operands() {
    return List.copyOf(operands);
  }
}
