package org.postern.cli;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.queue.BodyType;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.util.Getopt;

/**
 * The command line of sendmail(1), parsed as Postfix's sendmail parses it: the same option
 * letters (Sendmail's, most of them accepted and ignored), the same checks for conflicting
 * options, and the same warnings for DSN values that are ignored. Postern adds {@code -c
 * config_dir} like its other commands; Postfix's {@code -C} (main.cf or its directory) works too.
 *
 * <p>Failure: a bad option or a conflict is a {@link SendmailFatal} with EX_USAGE; ignorable
 * problems become {@link #warnings()}.
 */
final class SendmailOptions {
  /** What the command line asks for. */
  enum Mode {
    ENQUEUE,
    STAND_ALONE_SMTP,
    MAILQ,
    NEWALIASES,
    VERIFY,
    DAEMON,
    FLUSH_QUEUE,
    IGNORE
  }

  private static final String SPEC = "A:B:C:F:GIL:N:O:R:UV:X:b:c:e:f:h:imno:p:r:q:tvx";
  private static final int MAX_ENVID = 100;

  Mode mode = Mode.ENQUEUE;
  boolean extractRecipients;
  boolean dotEndsInput = true;
  String sender;
  String fullName;
  Optional<BodyType> bodyType = Optional.empty();
  Set<DsnNotify> notify = Set.of();
  Optional<DsnRet> ret = Optional.empty();
  Optional<String> envid = Optional.empty();
  boolean requireTls;
  boolean smtputf8;
  String rewriteContext = "local";
  String configDirectory;
  String configFile;
  int verbose;
  boolean queueRunInterval;
  String flushSite;
  String flushId;
  List<String> recipients = List.of();
  private final List<String> warnings = new ArrayList<>();

  private SendmailOptions() {}

  static SendmailOptions parse(List<String> args) throws SendmailFatal {
    SendmailOptions o = new SendmailOptions();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--") || !a.startsWith("-") || a.equals("-")) {
        rest.addAll(args.subList(i, args.size()));
        break;
      }
      if (a.equals("-q")) { // not getopt compatible: -q alone, -qR... with an argument
        o.mode = Mode.FLUSH_QUEUE;
        continue;
      }
      rest.add(a);
      if (a.length() == 2 && SPEC.indexOf(a.charAt(1) + ":") >= 0 && i + 1 < args.size()) {
        rest.add(args.get(++i)); // the option's argument, even when it looks like "-q"
      }
    }
    Getopt g;
    try {
      g = Getopt.parse(rest, SPEC);
    } catch (Getopt.UsageException e) {
      throw new SendmailFatal(Sysexits.EX_USAGE, e.getMessage() + "; usage: sendmail [options]");
    }
    for (Getopt.Option opt : g.options()) {
      o.apply(opt.flag(), opt.argument());
    }
    o.recipients = g.operands();
    o.checkConflicts();
    return o;
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  private void apply(char flag, String arg) throws SendmailFatal {
    switch (flag) {
      case 'B' -> bodyType = Optional.of(bodyType(arg));
      case 'C' -> configFile = arg;
      case 'c' -> configDirectory = arg;
      case 'F' -> fullName = arg;
      case 'G' -> rewriteContext = "remote";
      case 'I' -> mode = Mode.NEWALIASES;
      case 'N' -> notify = notify(arg);
      case 'O' -> option(arg);
      case 'R' -> ret = ret(arg);
      case 'V' -> envid = envid(arg);
      case 'X' -> throw usage("unsupported: -X" + first(arg));
      case 'b' -> mode(arg);
      case 'f', 'r' -> sender = arg;
      case 'i' -> dotEndsInput = false;
      case 'n' -> throw usage("-n option not supported");
      case 'o' -> {
        if (arg.startsWith("i")) {
          dotEndsInput = false;
        } // -o7, -o8, -om, -oe*, -oA... and the rest are ignored, as Postfix does
      }
      case 'q' -> queueOption(arg);
      case 't' -> extractRecipients = true;
      case 'v' -> verbose++;
      default -> {
        if (verbose > 0) {
          warnings.add("-" + flag + " option ignored");
        }
      }
    }
  }

  private static char first(String s) {
    return s.isEmpty() ? ' ' : s.charAt(0);
  }

  private void mode(String arg) throws SendmailFatal {
    mode = switch (first(arg)) {
      case 'd', 'l' -> Mode.DAEMON;
      case 'h', 'H' -> Mode.IGNORE;
      case 'i' -> Mode.NEWALIASES;
      case 'm' -> Mode.ENQUEUE;
      case 'p' -> Mode.MAILQ;
      case 's' -> Mode.STAND_ALONE_SMTP;
      case 'v' -> Mode.VERIFY;
      default -> throw usage("unsupported: -b" + first(arg));
    };
  }

  private void queueOption(String arg) throws SendmailFatal {
    char c = first(arg);
    if (Character.isDigit(c)) {
      queueRunInterval = true; // -q30m: a daemon option; on its own sendmail does nothing
    } else if (c == 'R') {
      flushSite = nonEmpty(arg.substring(1), "specify: -qRsitename");
    } else if (c == 'I') {
      flushId = nonEmpty(arg.substring(1), "specify: -qIqueueid");
    } else {
      throw usage("-q" + c + " is not implemented");
    }
  }

  private static String nonEmpty(String value, String usage) throws SendmailFatal {
    if (value.isEmpty()) {
      throw usage(usage);
    }
    return value;
  }

  private static BodyType bodyType(String arg) throws SendmailFatal {
    for (BodyType t : BodyType.values()) {
      if (t.keyword().equals(arg)) {
        return t;
      }
    }
    throw usage("-B option needs 8BITMIME or 7BIT");
  }

  private Set<DsnNotify> notify(String arg) {
    Set<DsnNotify> flags = EnumSet.noneOf(DsnNotify.class);
    for (String word : arg.split("[,\\s]+")) {
      if (word.isEmpty()) {
        continue;
      }
      try {
        flags.add(DsnNotify.valueOf(word.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        flags.clear();
        break;
      }
    }
    if (flags.isEmpty() || (flags.contains(DsnNotify.NEVER) && flags.size() > 1)) {
      warnings.add("bad -N option value -- ignored");
      return Set.of();
    }
    return flags;
  }

  private Optional<DsnRet> ret(String arg) {
    for (DsnRet r : DsnRet.values()) {
      if (r.name().equalsIgnoreCase(arg)) {
        return Optional.of(r);
      }
    }
    warnings.add("bad -R option value -- ignored");
    return Optional.empty();
  }

  private Optional<String> envid(String arg) {
    if (arg.length() > MAX_ENVID) {
      warnings.add("too long -V option value -- ignored");
      return Optional.empty();
    }
    if (!arg.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      warnings.add("bad syntax in -V option value -- ignored");
      return Optional.empty();
    }
    return Optional.of(arg);
  }

  /** -O name=value: requiretls and smtputf8 are Postfix 3.11's; the rest is ignored. */
  private void option(String arg) throws SendmailFatal {
    int eq = arg.indexOf('=');
    String name = (eq < 0 ? arg : arg.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
    String value = eq < 0 ? "" : arg.substring(eq + 1).strip();
    switch (name) {
      case "requiretls" -> requireTls = yesNo(name, value);
      case "smtputf8" -> smtputf8 = yesNo(name, value);
      default -> {
        if (verbose > 0) {
          warnings.add("-O " + arg + " option ignored");
        }
      }
    }
  }

  private static boolean yesNo(String name, String value) throws SendmailFatal {
    if (value.equalsIgnoreCase("yes")) {
      return true;
    }
    if (value.equalsIgnoreCase("no")) {
      return false;
    }
    throw usage("bad -O " + name + " value: \"" + value + "\" (specify yes or no)");
  }

  private void checkConflicts() throws SendmailFatal {
    if (mode == Mode.VERIFY) {
      if (extractRecipients) {
        throw usage("-t option cannot be used with -bv");
      }
      if (!notify.isEmpty()) {
        throw usage("-N option cannot be used with -bv");
      }
      if (ret.isPresent()) {
        throw usage("-R option cannot be used with -bv");
      }
      if (verbose == 1) {
        throw usage("-v option cannot be used with -bv");
      }
    }
    if (extractRecipients && mode != Mode.ENQUEUE) {
      throw usage("-t can be used only in delivery mode");
    }
    if (flushSite != null && mode != Mode.ENQUEUE) {
      throw usage("-qR can be used only in delivery mode");
    }
    if (flushId != null && mode != Mode.ENQUEUE) {
      throw usage("-qI can be used only in delivery mode");
    }
  }

  private static SendmailFatal usage(String message) {
    return new SendmailFatal(Sysexits.EX_USAGE, message);
  }
}
