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
 * (RFC 8460) of one finished UTC day, by default yesterday, from the journal the SMTP client
 * keeps in {@code $data_directory/tlsrpt} ({@code postern_tlsrpt_enable}). Meant for a daily
 * cron job shortly after midnight UTC. {@code -d today} reports the day so far (for tests). With
 * {@code -n} each report's JSON is printed instead of sent.
 *
 * <p>{@code mailto:} reports are queued in {@code maildrop/} the way sendmail(1) queues a message
 * (local submission, then pickup is woken), so they go out through the normal queue with its
 * retries; {@code https:} reports are POSTed at once ({@link HttpsPost}), a failed POST tried
 * again {@code postern_tlsrpt_post_attempts} times in all with a growing wait.
 *
 * <p>After a finished day was reported, its journal is removed, or keeps only the records of the
 * domains whose report did not go out, for the next run; journals older than a week are removed
 * in any case ({@link Journal#settle}, {@link Journal#expire}). The day so far ({@code -d today})
 * and a dry run ({@code -n}) leave the journals alone.
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
    Optional<LocalDate> day = day(g.has('d') ? g.value('d') : null, today);
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
    Journal.Contents contents;
    try {
      contents = Journal.read(directory, day.get());
    } catch (IOException e) {
      err.println(PROGRAM + ": fatal: " + Journal.file(directory, day.get()) + ": "
          + e.getMessage());
      return Sysexits.EX_IOERR;
    }
    if (contents.dropped() > 0) {
      err.println(PROGRAM + ": warning: " + Journal.file(directory, day.get()) + ": "
          + contents.dropped() + " torn or unreadable line(s) skipped");
    }
    List<TlsReport> reports = TlsReport.of(day.get(), contents.records(), settings);
    if (g.has('n')) {
      reports.forEach(r -> out.print(r.json()));
      return Sysexits.EX_OK;
    }
    Set<String> unsent = send(config, settings, reports, clock, out, err);
    if (day.get().isBefore(today)) {
      cleanUp(directory, day.get(), today, unsent, err);
    }
    return unsent.isEmpty() ? Sysexits.EX_OK : Sysexits.EX_TEMPFAIL;
  }

  /** The journal of {@code day} keeps what is still to send; old journals go. */
  private static void cleanUp(Path directory, LocalDate day, LocalDate today, Set<String> unsent,
      PrintStream err) {
    try {
      Journal.settle(directory, day, unsent);
      for (LocalDate old : Journal.expire(directory, today)) {
        err.println(PROGRAM + ": warning: " + Journal.file(directory, old)
            + ": removed unreported after " + Journal.RETENTION.getDays() + " days");
      }
    } catch (IOException e) {
      err.println(PROGRAM + ": warning: cleaning up " + directory + ": " + e.getMessage());
    }
  }

  /** Sends {@code reports}; the policy domains whose report did not go out everywhere. */
  private static Set<String> send(MainConfig config, ReportSettings settings,
      List<TlsReport> reports, Clock clock, PrintStream out, PrintStream err)
      throws IOException, TlsConfigException {
    DnsjavaResolver resolver = DnsjavaResolver.configured(
        config.get("postern_dns_resolver_address"), Path.of("/etc/resolv.conf"), DNS_TIMEOUT);
    HttpsPost https = new HttpsPost(resolver,
        InetProtocols.parse(config.getList("inet_protocols")), config.get("smtp_tls_CAfile"),
        config.getTime("postern_tlsrpt_post_timeout"));
    Queues queues = Queues.at(config.getPath("queue_directory"));
    Reporter reporter = new Reporter(settings, resolver,
        (sender, to, message) -> enqueue(queues, clock, sender, to, message),
        (uri, body) -> https.post(uri, MEDIA_TYPE, body),
        new Reporter.PostRetry(config.getInt("postern_tlsrpt_post_attempts"),
            config.getTime("postern_tlsrpt_post_retry_delay"), d -> Thread.sleep(d)), clock,
        info -> out.println(PROGRAM + ": " + info),
        warning -> err.println(PROGRAM + ": warning: " + warning));
    Set<String> unsent = new TreeSet<>();
    for (TlsReport r : reports) {
      if (reporter.send(r) > 0) {
        unsent.add(r.domain());
      }
    }
    PickupTrigger.wake(queues);
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

  /** {@code null} is yesterday, {@code today} is today, else an ISO date. */
  private static Optional<LocalDate> day(String value, LocalDate today) {
    if (value == null) {
      return Optional.of(today.minusDays(1));
    }
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
