package org.postern.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.dns.DnsjavaResolver;
import org.postern.dns.InetProtocols;
import org.postern.mtasts.HttpsPost;
import org.postern.pickup.PickupTrigger;
import org.postern.queue.ClientFacts;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.tls.TlsConfigException;
import org.postern.tlsrpt.Journal;
import org.postern.tlsrpt.ReportSettings;
import org.postern.tlsrpt.Reporter;
import org.postern.tlsrpt.TlsReport;
import org.postern.util.Getopt;

/**
 * {@code tlsrpt-report [-c config_dir] [-d YYYY-MM-DD|today] [-n]}: sends the SMTP TLS reports
 * (RFC 8460) from the journal the SMTP client keeps in {@code $data_directory/tlsrpt} ({@code
 * postern_tlsrpt_enable}): by default of every finished UTC day whose journal is still there and
 * at most a week old (yesterday, and earlier days whose reports did not all go out), else of the
 * day {@code -d} names. Meant for a daily cron job shortly after midnight UTC. {@code -d today}
 * reports the day so far (for tests). With {@code -n} each report's JSON is printed instead of
 * sent.
 *
 * <p>{@code mailto:} reports are queued in {@code maildrop/} the way sendmail(1) queues a message
 * (local submission, then pickup is woken), so they go out through the normal queue with its
 * retries; {@code https:} reports are POSTed at once ({@link HttpsPost}), a failed POST tried
 * again {@code postern_tlsrpt_post_attempts} times in all with a growing wait.
 *
 * <p>After a finished day was reported, its journal is removed, or keeps only the records of the
 * domains whose report did not go out, for the next run; a run without {@code -d} first removes
 * journals older than a week ({@link Journal#settle}, {@link Journal#expire}). The day so far
 * ({@code -d today}) and a dry run ({@code -n}) leave the journals alone.
 *
 * <p>Failure: a bad command line exits with EX_USAGE, an unreadable main.cf with EX_CONFIG, an
 * unreadable journal with EX_IOERR; any report that could not be delivered (TXT lookup, queue
 * file, POST) is reported on standard error and the exit status is EX_TEMPFAIL, the others
 * having been sent. A journal that cannot be cleaned up is a warning on standard error.
 */
final class TlsRptReportCommand {
  private static final String PROGRAM = "tlsrpt-report";
  private static final String USAGE =
      "usage: tlsrpt-report [-c config_dir] [-d YYYY-MM-DD|today] [-n]";
  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);
  private static final String MEDIA_TYPE = "application/tlsrpt+gzip";

  private TlsRptReportCommand() {}

  static int run(List<String> args) throws Exception {
    return run(args, Clock.systemUTC(), System.out, System.err);
  }

  static int run(List<String> args, Clock clock, PrintStream out, PrintStream err)
      throws Exception {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:d:n");
    } catch (Getopt.UsageException e) {
      err.println(PROGRAM + ": " + e.getMessage());
      err.println(USAGE);
      return Sysexits.EX_USAGE;
    }
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    Optional<LocalDate> day = g.has('d') ? day(g.value('d'), today) : Optional.of(today);
    if (!g.operands().isEmpty() || day.isEmpty() || day.get().isAfter(today)) {
      err.println(USAGE);
      return Sysexits.EX_USAGE;
    }
    MainConfig config;
    try {
      config = MainConfig.load(ConfigDirectory.resolve(g.value('c')));
    } catch (ConfigException e) {
      err.println(PROGRAM + ": fatal: " + e.getMessage());
      return Sysexits.EX_CONFIG;
    }
    ReportSettings settings = new ReportSettings(config.get("postern_tlsrpt_organization_name"),
        config.get("postern_tlsrpt_contact_info"), config.get("postern_tlsrpt_submitter"),
        config.get("postern_tlsrpt_sender"));
    Path directory = config.getPath("data_directory").resolve("tlsrpt");
    List<LocalDate> days;
    try {
      days = g.has('d') ? List.of(day.get()) : unreported(directory, today, !g.has('n'), err);
    } catch (IOException e) {
      err.println(PROGRAM + ": fatal: " + directory + ": " + e.getMessage());
      return Sysexits.EX_IOERR;
    }
    Optional<Reporter> reporter = Optional.empty();
    int status = Sysexits.EX_OK;
    for (LocalDate d : days) {
      Journal.Contents contents;
      try {
        contents = Journal.read(directory, d);
      } catch (IOException e) {
        err.println(PROGRAM + ": fatal: " + Journal.file(directory, d) + ": " + e.getMessage());
        return Sysexits.EX_IOERR;
      }
      if (contents.dropped() > 0) {
        err.println(PROGRAM + ": warning: " + Journal.file(directory, d) + ": "
            + contents.dropped() + " torn or unreadable line(s) skipped");
      }
      List<TlsReport> reports = TlsReport.of(d, contents.records(), settings);
      if (g.has('n')) {
        reports.forEach(r -> out.print(r.json()));
        continue;
      }
      if (reporter.isEmpty()) {
        reporter = Optional.of(reporter(config, settings, clock, out, err));
      }
      Set<String> unsent = send(reporter.get(), reports);
      if (d.isBefore(today)) {
        settle(directory, d, unsent, err);
      }
      status = unsent.isEmpty() ? status : Sysexits.EX_TEMPFAIL;
    }
    if (reporter.isPresent()) {
      PickupTrigger.wake(Queues.at(config.getPath("queue_directory")));
    }
    return status;
  }

  /**
   * The finished days whose journal is still there (yesterday, and earlier days whose reports
   * did not all go out), oldest first; with {@code expire}, journals past {@link
   * Journal#RETENTION} are removed first, each with a warning.
   */
  private static List<LocalDate> unreported(Path directory, LocalDate today, boolean expire,
      PrintStream err) throws IOException {
    if (expire) {
      for (LocalDate old : Journal.expire(directory, today)) {
        err.println(PROGRAM + ": warning: " + Journal.file(directory, old)
            + ": removed unreported after " + Journal.RETENTION.getDays() + " days");
      }
    }
    LocalDate oldest = today.minus(Journal.RETENTION);
    return Journal.days(directory).stream()
        .filter(d -> d.isBefore(today) && !d.isBefore(oldest)).toList();
  }

  /** The journal of {@code day} keeps what is still to send. */
  private static void settle(Path directory, LocalDate day, Set<String> unsent,
      PrintStream err) {
    try {
      Journal.settle(directory, day, unsent);
    } catch (IOException e) {
      err.println(PROGRAM + ": warning: cleaning up " + Journal.file(directory, day) + ": "
          + e.getMessage());
    }
  }

  private static Reporter reporter(MainConfig config, ReportSettings settings, Clock clock,
      PrintStream out, PrintStream err) throws IOException, TlsConfigException {
    DnsjavaResolver resolver = DnsjavaResolver.configured(
        config.get("postern_dns_resolver_address"), Path.of("/etc/resolv.conf"), DNS_TIMEOUT);
    HttpsPost https = new HttpsPost(resolver,
        InetProtocols.parse(config.getList("inet_protocols")), config.get("smtp_tls_CAfile"),
        config.getTime("postern_tlsrpt_post_timeout"));
    Queues queues = Queues.at(config.getPath("queue_directory"));
    return new Reporter(settings, resolver,
        (sender, to, message) -> enqueue(queues, clock, sender, to, message),
        (uri, body) -> https.post(uri, MEDIA_TYPE, body),
        new Reporter.PostRetry(config.getInt("postern_tlsrpt_post_attempts"),
            config.getTime("postern_tlsrpt_post_retry_delay"), d -> Thread.sleep(d)), clock,
        info -> out.println(PROGRAM + ": " + info),
        warning -> err.println(PROGRAM + ": warning: " + warning));
  }

  /** Sends {@code reports}; the policy domains whose report did not go out everywhere. */
  private static Set<String> send(Reporter reporter, List<TlsReport> reports) {
    Set<String> unsent = new TreeSet<>();
    for (TlsReport r : reports) {
      if (reporter.send(r) > 0) {
        unsent.add(r.domain());
      }
    }
    return unsent;
  }

  /** As sendmail(1) queues a local submission: maildrop, then pickup and cleanup. */
  private static void enqueue(Queues queues, Clock clock, String sender, String to,
      byte[] message) throws IOException {
    Envelope envelope = new Envelope(sender, List.of(Sendmail.recipient(to, Set.of())),
        Optional.empty(), Optional.empty(), false, false, Optional.empty(), ClientFacts.NONE,
        Map.of("rewrite_context", "local"));
    try (QueueFileWriter writer = QueueFileWriter.createInMaildrop(queues, clock)) {
      writer.writeEnvelope(envelope);
      new ByteArrayInputStream(message).transferTo(writer.content());
      writer.commit(QueueName.MAILDROP, new ExtractedEnvelope(List.of(), false));
    }
  }

  /** {@code today} is today, else an ISO date. */
  private static Optional<LocalDate> day(String value, LocalDate today) {
    if (value.equals("today")) {
      return Optional.of(today);
    }
    try {
      return Optional.of(LocalDate.parse(value));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
