package org.postern.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The single entry point behind {@code bin/postern} and its Postfix-named links. The launcher
 * passes the program name first ({@code postconf}, {@code sendmail}, ... or a {@code postern}
 * subcommand such as {@code start-fg}); this class routes it to the command.
 *
 * <p>Failure: an unknown program name prints the list of commands and exits with EX_USAGE.
 */
public final class Main {
  private Main() {}

  private static Map<String, Command> commands() {
    Map<String, Command> c = new LinkedHashMap<>();
    c.put("help", Main::help);
    c.put("requiretls-policy", RequireTlsPolicyCommand::run);
    c.put("requiretls-report", RequireTlsReportCommand::run);
    c.put("resolve", ResolveCommand::run);
    c.put("tls-probe", TlsProbeCommand::run);
    c.put("mta-sts-check", MtaStsCheckCommand::run);
    c.put("tlsrpt-report", TlsRptReportCommand::run);
    c.put("start-fg", StartForeground::run);
    c.put("start", StartCommand::run);
    c.put("stop", PostfixScript::stop);
    c.put("reload", PostfixScript::reload);
    c.put("status", PostfixScript::status);
    c.put("check", PostfixScript::check);
    c.put("postconf", Postconf::run);
    c.put("postcat", Postcat::run);
    c.put("postsuper", Postsuper::run);
    c.put("postmap", Postmap::run);
    c.put("postalias", Postalias::run);
    c.put("newaliases", Postalias::runNewaliases);
    c.put("sendmail", Sendmail::run);
    c.put("postqueue", Postqueue::run);
    c.put("mailq", Postqueue::mailq);
    return c;
  }

  public static void main(String[] argv) {
    if (argv.length == 0) {
      System.exit(help(List.of()));
    }
    String program = argv[0];
    List<String> args = Arrays.asList(argv).subList(1, argv.length);
    Command command = commands().get(program);
    if (command == null) {
      System.err.println("postern: unknown command: " + program);
      help(List.of());
      System.exit(Sysexits.EX_USAGE);
    }
    int status;
    try {
      status = command.run(args);
    } catch (Exception e) {
      System.err.println(program + ": fatal: " + e.getMessage());
      status = Sysexits.EX_SOFTWARE;
    }
    System.out.flush();
    System.err.flush();
    if (program.equals("start-fg")) {
      System.exit(status); // runs the master's shutdown hook
    }
    // The other commands have no shutdown hooks, and System.exit (JDK 21+) first asks a
    // System.Logger whether to log the exit: finding a logging backend runs a ServiceLoader over
    // every jar on the class path, 8-10 ms of a sendmail run.
    Runtime.getRuntime().halt(status);
  }

  private static int help(List<String> args) {
    System.err.println("usage: postern [-c config_dir] [-v] COMMAND [ARGS...], or a Postfix-named link in bin/");
    System.err.println("commands: " + String.join(" ", commands().keySet()));
    return Sysexits.EX_USAGE;
  }
}
