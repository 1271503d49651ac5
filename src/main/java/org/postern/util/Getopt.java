package org.postern.util;

import java.util.ArrayList;
import java.util.List;

/**
 * POSIX {@code getopt(3)} for the command-line programs, so flags combine and take arguments
 * exactly as Postfix's commands accept them ({@code -qv}, {@code -c dir}, {@code -cdir}).
 *
 * <p>Failure: an unknown flag or a missing argument throws {@link UsageException} whose message
 * reads like getopt's, for the caller to print with its usage line.
 */
public final class Getopt {
  /** One parsed flag and its argument (null for flags without one). */
  public record Option(char flag, String argument) {}

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
