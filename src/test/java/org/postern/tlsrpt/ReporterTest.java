package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;

class ReporterTest {
  private final Map<String, List<String>> txt = new HashMap<>();
  private final List<String> mailed = new ArrayList<>();
  private final List<URI> posted = new ArrayList<>();
  private final List<String> infos = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  /** How many POSTs fail before one succeeds. */
  private int postFailures;
  private final List<Duration> sleeps = new ArrayList<>();

  private final Resolver dns = new Resolver() {
    @Override
    public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
      throw new DnsLookupException("no MX here", false);
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols)
        throws DnsLookupException {
      throw new DnsLookupException("no addresses here", false);
    }

    @Override
    public DnsAnswer<String> txt(String name) throws DnsLookupException {
      if (name.contains("servfail")) {
        throw new DnsLookupException("Host not found, try again: " + name, false);
      }
      return new DnsAnswer<>(txt.getOrDefault(name, List.of()), false);
    }
  };

  private final Reporter reporter = new Reporter(TlsReportTest.SETTINGS, dns,
      (sender, to, message) -> mailed.add(sender + " -> " + to + ": "
          + new String(message, StandardCharsets.US_ASCII).lines().filter(
              l -> l.startsWith("Subject:")).findFirst().orElse("")),
      (uri, body) -> {
        if (postFailures > 0) {
          postFailures--;
          throw new IOException(uri + ": HTTP status 500");
        }
        posted.add(uri);
      },
      new Reporter.PostRetry(3, Duration.ofSeconds(60), sleeps::add),
      Clock.fixed(Instant.parse("2026-11-24T00:05:00Z"), ZoneOffset.UTC), infos::add,
      warnings::add);

  private static TlsReport report(String domain) {
    AppliedPolicy p = new AppliedPolicy(PolicyType.STS, domain, List.of("mode: enforce"),
        List.of("mx." + domain));
    return TlsReport.of(TlsReportTest.DAY, List.of(SessionRecord.success(TlsReportTest.NOON, p,
        "mx." + domain, "192.0.2.1")), TlsReportTest.SETTINGS).getFirst();
  }

  @Test
  void send_mailtoAndHttps_bothDelivered() {
    txt.put("_smtp._tls.example.com", List.of(
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/tlsrpt"));

    int failed = reporter.send(report("example.com"));

    assertThat(failed).isZero();
    assertThat(mailed).containsExactly("postmaster@sender.test -> tlsrpt@example.com: "
        + "Subject: Report Domain: example.com Submitter: sender.test "
        + "Report-ID: <2026-11-23_example.com@sender.test>");
    assertThat(posted).containsExactly(URI.create("https://r.example.com/tlsrpt"));
    assertThat(infos).hasSize(2);
  }

  @Test
  void send_noRecord_nothingSentNotAFailure() {
    assertThat(reporter.send(report("example.org"))).isZero();
    assertThat(mailed).isEmpty();
    assertThat(infos).singleElement().asString().contains("no usable TLSRPT record");
  }

  @Test
  void send_txtLookupFails_countedAndWarned() {
    assertThat(reporter.send(report("servfail.example"))).isEqualTo(1);
    assertThat(warnings).singleElement().asString()
        .startsWith("servfail.example: TXT lookup for _smtp._tls.servfail.example: ");
  }

  @Test
  void send_postFails_mailStillSentFailureCounted() {
    txt.put("_smtp._tls.example.com", List.of(
        "v=TLSRPTv1; rua=https://r.example.com/tlsrpt,mailto:tlsrpt@example.com"));
    postFailures = 3;

    assertThat(reporter.send(report("example.com"))).isEqualTo(1);
    assertThat(mailed).hasSize(1);
    assertThat(posted).isEmpty();
    assertThat(sleeps).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(120));
    assertThat(warnings).hasSize(3).last().asString()
        .contains("to https://r.example.com/tlsrpt: https://r.example.com/tlsrpt: HTTP status 500"
            + " (3 attempts)");
  }

  @Test
  void send_postFailsOnce_retriedAfterTheDelayAndSent() {
    txt.put("_smtp._tls.example.com", List.of("v=TLSRPTv1; rua=https://r.example.com/tlsrpt"));
    postFailures = 1;

    assertThat(reporter.send(report("example.com"))).isZero();
    assertThat(posted).containsExactly(URI.create("https://r.example.com/tlsrpt"));
    assertThat(sleeps).containsExactly(Duration.ofSeconds(60));
    assertThat(warnings).singleElement().asString().endsWith("trying again in 60s");
  }

  @Test
  void send_mailtoFails_notRetriedTheQueueRetriesMail() {
    txt.put("_smtp._tls.example.com", List.of("v=TLSRPTv1; rua=mailto:tlsrpt@example.com"));
    Reporter failing = new Reporter(TlsReportTest.SETTINGS, dns, (sender, to, message) -> {
      throw new IOException("maildrop: Permission denied");
    }, (uri, body) -> posted.add(uri), new Reporter.PostRetry(3, Duration.ofSeconds(60),
        sleeps::add), Clock.systemUTC(), infos::add, warnings::add);

    assertThat(failing.send(report("example.com"))).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void postRetry_noAttempts_refused() {
    assertThatThrownBy(() -> new Reporter.PostRetry(0, Duration.ZERO, d -> { }))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
