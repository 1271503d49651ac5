package org.postern.pipe;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.deliver.MailCopy;
import org.postern.util.MacroExpansion;

/**
 * The command attributes at the end of a master.cf pipe entry: {@code flags=}, {@code
 * user=name[:group]}, {@code directory=}, {@code eol=}, {@code null_sender=}, {@code size=}, and
 * {@code argv=} with the command, which must come last. Names are case-insensitive, as in
 * Postfix.
 *
 * @param sizeLimit {@code size=} in bytes, 0 for none
 */
record PipeAttributes(
    Set<PipeFlag> flags,
    String user,
    Optional<String> group,
    Optional<String> directory,
    String eol,
    String nullSender,
    long sizeLimit,
    List<String> argv) {

  PipeAttributes {
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    argv = List.copyOf(argv);
  }

  /**
   * Parses the master.cf arguments. Failure: an unknown attribute or flag, a missing {@code
   * user=} or {@code argv=}, or {@code chroot=} (not supported) is an IllegalArgumentException
   * with Postfix's words; the service cannot start, as Postfix's pipe(8) exits fatally.
   */
  static PipeAttributes parse(List<String> arguments) {
    Set<PipeFlag> flags = EnumSet.noneOf(PipeFlag.class);
    String user = null;
    Optional<String> group = Optional.empty();
    Optional<String> directory = Optional.empty();
    String eol = "\n";
    String nullSender = MailCopy.MAILER_DAEMON;
    long size = 0;
    for (int i = 0; i < arguments.size(); i++) {
      String arg = arguments.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')).toLowerCase(Locale.ROOT) : arg;
      String value = arg.substring(arg.indexOf('=') + 1);
      switch (name) {
        case "flags" -> value.chars().forEach(c -> flags.add(PipeFlag.of((char) c)));
        case "user" -> {
          int colon = value.indexOf(':');
          user = colon < 0 ? value : value.substring(0, colon);
          String g = colon < 0 ? "" : value.substring(colon + 1);
          group = g.isEmpty() ? Optional.empty() : Optional.of(g);
        }
        case "directory" -> directory = Optional.of(value);
        case "eol" -> eol = MacroExpansion.unescape(value);
        case "null_sender" -> nullSender = value;
        case "size" -> size = sizeLimit(value);
        case "chroot" -> throw new IllegalArgumentException("chroot= command-line attribute is not supported");
        case "argv" -> {
          List<String> argv = new java.util.ArrayList<>();
          argv.add(value);
          argv.addAll(arguments.subList(i + 1, arguments.size()));
          return checked(flags, user, group, directory, eol, nullSender, size, argv);
        }
        default -> throw new IllegalArgumentException("unknown attribute name: " + arg);
      }
    }
    return checked(flags, user, group, directory, eol, nullSender, size, List.of());
  }

  private static PipeAttributes checked(Set<PipeFlag> flags, String user, Optional<String> group,
      Optional<String> directory, String eol, String nullSender, long size, List<String> argv) {
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("missing user= command-line attribute");
    }
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("missing argv= command-line attribute");
    }
    return new PipeAttributes(flags, user, group, directory, eol, nullSender, size, argv);
  }

  private static long sizeLimit(String value) {
    try {
      long n = Long.parseLong(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, as Postfix does
    }
    throw new IllegalArgumentException("bad size= value: " + value);
  }

  /** The MailCopy flags these attributes ask for. */
  Set<MailCopy.Flag> copyFlags() {
    Set<MailCopy.Flag> copy = EnumSet.noneOf(MailCopy.Flag.class);
    flags.forEach(f -> f.copyFlag().ifPresent(copy::add));
    return copy;
  }

  boolean has(PipeFlag flag) {
    return flags.contains(flag);
  }
}
