package org.postern.tlsrpt;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.Resolver;

/**
 * Delivers reports (RFC 8460 section 5): looks up each policy domain's {@code _smtp._tls} TXT
 * record through Postern's resolver and sends the report to every {@code rua} URI, {@code mailto:}
 * as a message ({@link ReportMessage}) and {@code https:} as a POST of the gzip'd JSON.
 *
 * <p>A POST that fails is tried again (RFC 8460 section 5.4 asks that a failed POST be retried)
 * as {@link PostRetry} says, waiting twice as long before each new try; a mailed report needs no
 * such loop, the queue retries it.
 *
 * <p>Failure: a TXT lookup that fails, a message that cannot be queued or a POST whose last try
 * failed is reported to {@code warnings} and counted; the other URIs and domains are still tried.
 * A domain without a valid record takes no report, which is not a failure.
 */
public final class Reporter {
  /** Queues one message from {@code sender} to {@code recipient}. */
  public interface Mailer {
    void send(String sender, String recipient, byte[] message) throws IOException;
  }

  /** POSTs {@code body} as {@code application/tlsrpt+gzip}; anything but 2xx throws. */
  public interface Poster {
    void post(URI uri, byte[] body) throws IOException;
  }

  /** Waits between two tries of a POST; a seam for tests. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * How often a POST is tried ({@code postern_tlsrpt_post_attempts}, at least once) and the wait
   * before the second try ({@code postern_tlsrpt_post_retry_delay}), doubled before each later
   * one.
   */
  public record PostRetry(int attempts, Duration delay, Sleeper sleeper) {
    public PostRetry {
      if (attempts < 1 || delay.isNegative()) {
        throw new IllegalArgumentException("POST attempts must be at least 1, the delay >= 0");
      }
    }
  }

  private final ReportSettings settings;
  private final Resolver resolver;
  private final Mailer mailer;
  private final Poster poster;
  private final PostRetry retry;
  private final Clock clock;
  private final Consumer<String> infos;
  private final Consumer<String> warnings;

  public Reporter(ReportSettings settings, Resolver resolver, Mailer mailer, Poster poster,
      PostRetry retry, Clock clock, Consumer<String> infos, Consumer<String> warnings) {
    this.retry = retry;
    this.settings = settings;
    this.resolver = resolver;
    this.mailer = mailer;
    this.poster = poster;
    this.clock = clock;
    this.infos = infos;
    this.warnings = warnings;
  }

  /** Sends {@code report} wherever its domain asks; the number of deliveries that failed. */
  public int send(TlsReport report) {
    String name = "_smtp._tls." + report.domain();
    Optional<TlsRptRecord> record;
    try {
      record = TlsRptRecord.select(resolver.txt(name).records());
    } catch (DnsLookupException e) {
      warnings.accept(report.domain() + ": TXT lookup for " + name + ": " + e.getMessage());
      return 1;
    }
    if (record.isEmpty() || record.get().rua().isEmpty()) {
      infos.accept(report.domain() + ": no usable TLSRPT record at " + name
          + "; report " + report.reportId() + " not sent");
      return 0;
    }
    int failed = 0;
    for (URI uri : record.get().rua()) {
      try {
        deliver(report, uri);
        infos.accept(report.domain() + ": report " + report.reportId() + " sent to " + uri);
      } catch (IOException e) {
        warnings.accept(report.domain() + ": report " + report.reportId() + " to " + uri + ": "
            + e.getMessage());
        failed++;
      }
    }
    return failed;
  }

  private void deliver(TlsReport report, URI uri) throws IOException {
    if (uri.getScheme().toLowerCase(Locale.ROOT).equals("mailto")) {
      String to = TlsRptRecord.mailbox(uri);
      mailer.send(settings.sender(), to,
          ReportMessage.build(report, settings, to, clock.instant()));
    } else {
      post(report, uri, ReportMessage.gzip(report));
    }
  }

  private void post(TlsReport report, URI uri, byte[] body) throws IOException {
    Duration wait = retry.delay();
    for (int attempt = 1; ; attempt++) {
      try {
        poster.post(uri, body);
        return;
      } catch (IOException e) {
        if (attempt >= retry.attempts()) {
          throw attempt == 1 ? e
              : new IOException(e.getMessage() + " (" + attempt + " attempts)", e);
        }
        warnings.accept(report.domain() + ": report " + report.reportId() + " to " + uri + ": "
            + e.getMessage() + "; trying again in " + wait.toSeconds() + "s");
      }
      try {
        retry.sleeper().sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting to try " + uri + " again", e);
      }
      wait = wait.multipliedBy(2);
    }
  }
}
