package org.postern.tlsrpt;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
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
 * <p>Failure: a TXT lookup that fails, a message that cannot be queued or a POST that fails is
 * reported to {@code warnings} and counted; the other URIs and domains are still tried. A domain
 * without a valid record takes no report, which is not a failure.
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

  private final ReportSettings settings;
  private final Resolver resolver;
  private final Mailer mailer;
  private final Poster poster;
  private final Clock clock;
  private final Consumer<String> infos;
  private final Consumer<String> warnings;

  public Reporter(ReportSettings settings, Resolver resolver, Mailer mailer, Poster poster,
      Clock clock, Consumer<String> infos, Consumer<String> warnings) {
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
      poster.post(uri, ReportMessage.gzip(report));
    }
  }
}
