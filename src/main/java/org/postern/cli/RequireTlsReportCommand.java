package org.postern.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.log.DeliveryLogEntry;
import org.postern.util.Getopt;

/**
 * {@code requiretls-report [-c config_dir] [LOGFILE | -]}: the REQUIRETLS readiness report of
 * the README's discovery experiment. Reads the smtp and lmtp delivery status lines of a mail log
 * (Postern's or Postfix 3.11's, any {@code syslog_name}), keeps those of messages that asked for
 * REQUIRETLS (a {@code requiretls} feature in {@code tls=}), and prints per recipient domain how
 * they ended and whether that domain would pass {@code enforce}. Without LOGFILE it reads {@code
 * maillog_file} of the configuration; {@code -} reads standard input.
 *
 * <p>Failure: a bad command line exits with EX_USAGE, an unreadable main.cf with EX_CONFIG, no
 * {@code maillog_file} to default to with EX_USAGE, an unreadable log with EX_NOINPUT. A
 * delivery line that does not parse is skipped and counted, and one warning on standard error
 * gives the count and the first such line.
 */
public final class RequireTlsReportCommand {
  private static final String PROGRAM = "requiretls-report";
  private static final String USAGE = "usage: requiretls-report [-c config_dir] [LOGFILE | -]";
  private static final String HELP =
      USAGE
          + "\n"
          + """

          Reads smtp and lmtp delivery status lines (Postern or Postfix 3.11, any
          syslog_name) and reports, per recipient domain, how deliveries of REQUIRETLS
          messages ended, from the second feature of the tls= field. Without LOGFILE the
          maillog_file of main.cf is read; "-" reads standard input.

          Columns: domain; enforce: "pass" when every delivery there was logged as
          "requiretls" (the domain would take REQUIRETLS mail under
          smtp_requiretls_policy = enforce), else "fail"; total; then one count per
          outcome logged, e.g. requiretls, requiretls:nocertmatch, requiretls:none,
          requiretls:nostarttls, !requiretls:nostarttls, !requiretls:nocertmatch,
          !requiretls:noencryption, !requiretls:none, requiretls?.
          The TOTAL line sums every domain; its enforce column is passing/all domains.
          Domains are sorted by total, busiest first. One line counts once, so a
          deferred message counts once per delivery attempt.
          """;

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream stdin;

  RequireTlsReportCommand(InputStream stdin, PrintStream out, PrintStream err) {
    this.stdin = stdin;
    this.out = out;
    this.err = err;
  }

  static int run(List<String> args) {
    return new RequireTlsReportCommand(System.in, System.out, System.err).execute(args);
  }

  int execute(List<String> args) {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:h");
    } catch (Getopt.UsageException e) {
      return usage(e.getMessage());
    }
    if (g.has('h')) {
      out.print(HELP);
      return Sysexits.EX_OK;
    }
    if (g.operands().size() > 1) {
      return usage("more than one LOGFILE");
    }
    String file;
    if (g.operands().isEmpty()) {
      try {
        file = MainConfig.load(ConfigDirectory.resolve(g.value('c'))).get("maillog_file").strip();
      } catch (ConfigException e) {
        err.println(PROGRAM + ": fatal: " + e.getMessage());
        return Sysexits.EX_CONFIG;
      }
      if (file.isEmpty() || file.equals("/dev/stdout")) {
        return usage("maillog_file is \"" + file + "\": name the log file (or - for stdin)");
      }
    } else {
      file = g.operands().get(0);
    }
    try (InputStream in = file.equals("-") ? stdin : Files.newInputStream(Path.of(file))) {
      report(file.equals("-") ? "stdin" : file, in);
    } catch (IOException e) {
      err.println(PROGRAM + ": fatal: " + file + ": " + e.getMessage());
      return Sysexits.EX_NOINPUT;
    }
    return Sysexits.EX_OK;
  }

  private void report(String name, InputStream in) throws IOException {
    RequireTlsReport report = new RequireTlsReport();
    // Malformed UTF-8 in a log line becomes U+FFFD rather than ending the report.
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    int number = 0;
    int malformed = 0;
    String first = "";
    for (String line; (line = lines.readLine()) != null; ) {
      number++;
      switch (DeliveryLogEntry.read(line)) {
        case DeliveryLogEntry.Delivery d -> report.add(d.entry());
        case DeliveryLogEntry.Malformed m -> {
          if (malformed++ == 0) {
            first = " (first: line " + number + ": " + m.reason() + ")";
          }
        }
        case DeliveryLogEntry.NotDelivery n -> {}
      }
    }
    report.print(out);
    if (malformed > 0) {
      err.println(
          PROGRAM + ": warning: " + name + ": skipped " + malformed
              + " malformed delivery status line" + (malformed == 1 ? "" : "s") + first);
    }
  }

  private int usage(String problem) {
    err.println(PROGRAM + ": " + problem);
    err.println(USAGE);
    return Sysexits.EX_USAGE;
  }
}
