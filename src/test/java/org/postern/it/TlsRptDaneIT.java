package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.tlsrpt.Journal;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.ReportSchema;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;

/**
 * TLS reporting of DANE (RFC 7672) sessions in the DNSSEC world ({@link DnssecWorld}: nsd, a
 * validating unbound) with aiosmtpd MX hosts on 127.0.101.4x: a TLSA record that matches counts
 * a {@code tlsa} success; one that matches nothing {@code tlsa-invalid}; a TLSA answer with
 * expired signatures {@code dnssec-invalid}; and under {@code dane-only} (from {@code
 * smtp_tls_policy_maps}) an MX host without TLSA records, or whose MX answer is unsigned, {@code
 * dane-required}, and one whose TLSA records are all unusable {@code tlsa-invalid}; none of
 * these four is connected to. At {@code dane}, unusable TLSA records are {@code tlsa-invalid}
 * too, and the mail goes out at {@code encrypt}. The dry-run report passes the RFC 8460 schema.
 */
class TlsRptDaneIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String SENDER = "root@client.test";

  @TempDir static Path dir;
  private static DnssecWorld world;
  private static TestPki pki;
  private static final List<AiosmtpdPeer> peers = new ArrayList<>();
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    List<String> records = new ArrayList<>();
    peer(records, "mx-ok", 41, "ok", "ee");
    peer(records, "mx-wrong", 42, "wrong", "wrong");
    peer(records, "mx-bogus", 43, "bogus", "ee");
    peer(records, "mx-notlsa", 44, "required", null);
    peer(records, "mx-unusable", 45, "unusable", "pkix-ee");
    peer(records, "mx-insecure", 46, null, "ee");
    peer(records, "mx-fallback", 47, "fallback", "pkix-ee");
    records.add("only.insecure.dane.test. IN MX 10 mx-insecure.dane.test.");
    world = DnssecWorld.start(dir.resolve("dns"), records, Set.of("_25._tcp.mx-bogus.dane.test."));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = client.test",
        "mydomain = client.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "defer_transports =",
        "postern_dns_resolver_address = " + world.address(),
        "smtp_dns_support_level = dnssec",
        "smtp_tls_security_level = dane",
        "smtp_tls_policy_maps = inline:{ {required.dane.test = dane-only}"
            + " {unusable.dane.test = dane-only} {only.insecure.dane.test = dane-only} }",
        "postern_tlsrpt_enable = yes",
        ""));
    postern.startAndAwaitSmtp();
  }

  /**
   * An aiosmtpd MX host {@code name}.dane.test on 127.0.101.{@code host} with STARTTLS, its A
   * record, the TLSA record {@code tlsa} describes ({@code ee}, {@code wrong}, {@code pkix-ee}, or
   * none), and the MX record of {@code domain}.dane.test when not null.
   */
  private static void peer(List<String> records, String name, int host, String domain,
      String tlsa) throws Exception {
    String fqdn = name + ".dane.test";
    List<Path> cert = pki.server(fqdn);
    String address = "127.0.101." + host;
    records.add(fqdn + ". IN A " + address);
    if (tlsa != null) {
      String data = switch (tlsa) {
        case "ee" -> DnssecWorld.daneEe(cert.get(0));
        case "pkix-ee" -> DnssecWorld.daneEe(cert.get(0)).replaceFirst("^3 ", "1 ");
        default -> DnssecWorld.wrongTlsa();
      };
      records.add("_25._tcp." + fqdn + ". IN TLSA " + data);
    }
    if (domain != null) {
      records.add(domain + ".dane.test. IN MX 10 " + fqdn + ".");
    }
    peers.add(AiosmtpdPeer.start(dir, address, 25, "--tls", cert.get(0).toString(),
        cert.get(1).toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      for (AiosmtpdPeer p : peers) {
        p.close();
      }
      if (world != null) {
        world.close();
      }
    }
  }

  @Test
  void deliver_eachDaneOutcome_journaledWithItsResultTypeAndReportPassesTheSchema()
      throws Exception {
    List<String> domains = List.of("ok", "wrong", "bogus", "required", "unusable", "fallback");
    for (String d : domains) {
      String rcpt = "someone@" + d + ".dane.test";
      statusLine(Submit.swaks(postern, SENDER, rcpt), rcpt);
    }
    String rcpt = "someone@only.insecure.dane.test";
    statusLine(Submit.swaks(postern, SENDER, rcpt), rcpt);

    assertThat(journaled("ok.dane.test")).singleElement().satisfies(r -> {
      assertThat(r.failure()).isEmpty();
      assertThat(r.policy().type()).isEqualTo(PolicyType.TLSA);
      assertThat(r.policy().strings()).singleElement().asString().startsWith("3 1 1 ");
    });
    assertThat(journaled("wrong.dane.test")).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.TLSA_INVALID);
      assertThat(r.sendingIp()).isNotEmpty();
      assertThat(r.receivingHelo()).isNotEmpty();
    });
    assertThat(journaled("bogus.dane.test")).singleElement().extracting(SessionRecord::failure)
        .isEqualTo(Optional.of(ResultType.DNSSEC_INVALID));
    assertThat(journaled("required.dane.test")).singleElement()
        .extracting(SessionRecord::failure, SessionRecord::reason)
        .containsExactly(Optional.of(ResultType.DANE_REQUIRED), "no TLSA records found");
    assertThat(journaled("unusable.dane.test")).singleElement()
        .extracting(SessionRecord::failure, SessionRecord::reason)
        .containsExactly(Optional.of(ResultType.TLSA_INVALID), "TLSA records unusable");
    assertThat(journaled("only.insecure.dane.test")).singleElement()
        .extracting(SessionRecord::failure, SessionRecord::reason)
        .containsExactly(Optional.of(ResultType.DANE_REQUIRED), "non DNSSEC destination");
    assertThat(journaled("fallback.dane.test")).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.TLSA_INVALID);
      assertThat(r.reason()).isEqualTo("TLSA records unusable");
      assertThat(r.receivingHelo()).isNotEmpty();
    });
    assertThat(peers.get(6).messages()).as("delivered at encrypt").hasSize(1);
    assertThat(peers.get(2).connectionCount() + peers.get(3).connectionCount()
        + peers.get(4).connectionCount() + peers.get(5).connectionCount()).isZero();

    PosternInstance.Result r = postern.command("postern", "tlsrpt-report", "-d", "today", "-n");
    assertThat(r.status()).as(r.err()).isZero();
    String[] reports = r.out().split("(?<=\n)\\}\n");
    assertThat(reports).hasSize(7);
    for (String json : reports) {
      assertThat(ReportSchema.violations(json + "}\n")).as(json).isEmpty();
    }
    assertThat(r.out()).contains("\"result-type\": \"dane-required\"")
        .contains("\"result-type\": \"dnssec-invalid\"")
        .contains("\"result-type\": \"tlsa-invalid\"");
  }

  private static List<SessionRecord> journaled(String domain) throws Exception {
    return Journal.read(dir.resolve("postern/lib/tlsrpt"), LocalDate.now(ZoneOffset.UTC))
        .records().stream().filter(r -> r.policy().domain().equals(domain)).toList();
  }

  private static String statusLine(String id, String rcpt) throws InterruptedException {
    return postern.awaitLog(Pattern.compile("(" + id + ": to=<" + Pattern.quote(rcpt)
        + ">, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
  }
}
