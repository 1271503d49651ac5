package org.postern.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.log.LogTimestamp;
import org.postern.util.Getopt;

/**
 * {@code requiretls-report [-c config_dir] [--since TIME] [--until TIME] [--by recipient|sender]
 * [--json] [LOGFILE | -]}: the REQUIRETLS readiness report of the README's discovery experiment,
 * and the proof afterwards of how REQUIRETLS mail left. Reads the smtp and lmtp delivery status
 * lines of a mail log (Postern's or Postfix 3.11's, any {@code syslog_name}), keeps those of
 * messages that asked for REQUIRETLS (a {@code requiretls} feature in {@code tls=}), and prints
 * per recipient domain (or sender domain, from qmgr's {@code from=} lines) how they ended,
 * whether that domain would pass {@code enforce}, and the certificate checks Postern's {@code
 * requiretls:} lines name (see {@link RequireTlsLogReader}). Without LOGFILE it reads {@code
 * maillog_file} of the configuration; {@code -} reads standard input.
 *
 * <p>Failure: a bad command line (an unknown option, a TIME that is no date, {@code --since}
 * after {@code --until}, a {@code --by} other than recipient or sender) exits with EX_USAGE, an
 * unreadable main.cf with EX_CONFIG, no {@code maillog_file} to default to with EX_USAGE, an
 * unreadable log with EX_NOINPUT. A delivery line that does not parse is skipped and counted,
 * and one warning on standard error gives the count and the first such line; with a time window,
 * delivery lines without a time are skipped with a warning giving their count.
 */
public final class RequireTlsReportCommand {
  private static final String PROGRAM = "requiretls-report";
  private static final String USAGE = "usage: requiretls-report [-c config_dir] [--since TIME]"
      + " [--until TIME] [--by recipient|sender] [--json] [LOGFILE | -]";
  private static final List<Getopt.LongOption> LONG_OPTIONS = List.of(
      new Getopt.LongOption("since", true, 'S'), new Getopt.LongOption("until", true, 'U'),
      new Getopt.LongOption("by", true, 'b'), new Getopt.LongOption("json", false, 'j'),
      new Getopt.LongOption("help", false, 'h'));
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
          !requiretls:noencryption, !requiretls:none, requiretls?; then one count per
          certificate check Postern's "requiretls:" lines name: check:dane,
          check:mta-sts, check:pkix, check:fingerprint, check:none.
          The TOTAL line sums every domain; its enforce column is passing/all domains.
          Domains are sorted by total, busiest first. One line counts once, so a
          deferred message counts once per delivery attempt.

          --since TIME, --until TIME
                 Count only delivery lines logged at or after --since and before
                 --until. TIME is YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS,
                 local time unless it ends in Z or +HH:MM. Log lines may carry
                 syslog's "Mmm dd HH:MM:SS" (no year: taken as its most recent past
                 occurrence, so a log older than a year reads wrong) or RFC 3339
                 times; lines without a time are skipped with a warning.
          --by recipient|sender
                 Rows per recipient domain (the default) or per sender domain, the
                 sender taken from qmgr's "QUEUEID: from=<...>" line; deliveries
                 whose from= line is not in the log count under "(unknown)".
          --json Print the report as a JSON document (see docs/requiretls.md).
          -h, --help
                 Print this summary.
          """;

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream stdin;
  private final ZonedDateTime now;

  RequireTlsReportCommand(InputStream stdin, PrintStream out, PrintStream err, ZonedDateTime now) {
    this.stdin = stdin;
    this.out = out;
    this.err = err;
    this.now = now;
  }

  static int run(List<String> args) {
    return new RequireTlsReportCommand(System.in, System.out, System.err, ZonedDateTime.now())
        .execute(args);
  }

  int execute(List<String> args) {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:h", LONG_OPTIONS);
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
    RequireTlsLogReader.Window window;
    RequireTlsLogReader.By by;
    try {
      window = new RequireTlsLogReader.Window(time(g.value('S')), time(g.value('U')));
      by = RequireTlsLogReader.By.parse(g.value('b') == null ? "recipient" : g.value('b'));
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
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
      report(file.equals("-") ? "stdin" : file, in, new RequireTlsLogReader(by, window, now),
          g.has('j'));
    } catch (IOException e) {
      err.println(PROGRAM + ": fatal: " + file + ": " + e.getMessage());
      return Sysexits.EX_NOINPUT;
    }
    return Sysexits.EX_OK;
  }

  private Optional<java.time.Instant> time(String argument) {
    return Optional.ofNullable(argument).map(a -> LogTimestamp.argument(a, now.getZone()));
  }

  private void report(String name, InputStream in, RequireTlsLogReader reader, boolean json)
      throws IOException {
    // Malformed UTF-8 in a log line becomes U+FFFD rather than ending the report.
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line; (line = lines.readLine()) != null; ) {
      reader.read(line);
    }
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("log", name);
      fields.put("by", reader.by().word());
      reader.window().since().ifPresent(t -> fields.put("since", t.toString()));
      reader.window().until().ifPresent(t -> fields.put("until", t.toString()));
      out.print(reader.report().json(fields));
    } else {
      reader.report().print(out);
    }
    reader.warnings().forEach(w -> err.println(PROGRAM + ": warning: " + name + ": " + w));
  }

  private int usage(String problem) {
    err.println(PROGRAM + ": " + problem);
    err.println(USAGE);
    return Sysexits.EX_USAGE;
  }
}
