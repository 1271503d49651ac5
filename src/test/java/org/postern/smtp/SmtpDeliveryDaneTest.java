package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.tls.TestPki.tlsa;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.dns.MxRecord;
import org.postern.dns.TlsaRecord;
import org.postern.queue.Recipient;
import org.postern.table.Tables;
import org.postern.tls.TestPki;

/**
 * DANE levels against scripted STARTTLS servers with certificates made at test time, and a fake
 * resolver that answers MX, address and TLSA questions with or without the AD bit.
 */
class SmtpDeliveryDaneTest {
  @TempDir static Path pkiDir;
  private static TestPki.Issued root;
  private static TestPki.Issued mx1Cert;
  private static TestPki.Issued mx2Cert;
  private static DaneMxHosts.Certificates certificates;

  @TempDir Path tmp;
  private DaneMxHosts hosts;
  private ScriptedSmtpServer mx1;
  private ScriptedSmtpServer mx2;
  private final FakeResolver dns = new FakeResolver();
  private final Map<String, String> params = new HashMap<>();

  @BeforeAll
  static void makeCertificates() throws Exception {
    DaneMxHosts.Certificates c = DaneMxHosts.Certificates.make(pkiDir);
    root = c.root();
    mx1Cert = c.mx1();
    mx2Cert = c.mx2();
    certificates = c;
  }

  @BeforeEach
  void start() throws Exception {
    hosts = DaneMxHosts.start(certificates, List.of("PIPELINING", "STARTTLS", "REQUIRETLS"), dns, params);
    mx1 = hosts.mx1;
    mx2 = hosts.mx2;
  }

  @AfterEach
  void stop() throws Exception {
    hosts.close();
  }

  private String tlsaName(String host) {
    return hosts.tlsaName(host);
  }

  private List<RecipientResult> deliver(boolean requireTls) throws Exception {
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), requireTls, false,
        Optional.empty(), Optional.empty(), Optional.empty());
    DeliveryRequest request =
        TestRequests.request(tmp.resolve("q"), "example.com", env, TestRequests.SIMPLE);
    MainConfig config = MainConfig.of(tmp, params);
    try (SmtpDelivery agent = new SmtpDelivery(SmtpSettings.of(config, Protocol.SMTP),
        Tables::open, dns, Clock.systemUTC(), new Random(1))) {
      return agent.deliver(request);
    }
  }

  private static void assertSent(List<RecipientResult> results, String tls) {
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo(tls);
    });
  }

  private static RecipientResult only(List<RecipientResult> results) {
    assertThat(results).hasSize(1);
    return results.getFirst();
  }

  @Test
  void deliver_daneEeMatches_sentTlsDane() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));

    assertSent(deliver(false), "dane");
    assertThat(mx1.commands()).contains("STARTTLS").anyMatch(c -> c.startsWith("MAIL FROM"));
  }

  @Test
  void deliver_mxHostIsAnAlias_tlsaAtTheExpandedNameFirst() throws Exception {
    dns.aliases.put("mx1.example.com", "mx.hoster.example");
    dns.tlsa.put(tlsaName("mx.hoster.example"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));

    assertSent(deliver(true), "dane/requiretls");
  }

  @Test
  void deliver_mxHostIsAnAlias_noTlsaAtTheExpandedName_tlsaAtTheAlias() throws Exception {
    dns.aliases.put("mx1.example.com", "mx.hoster.example");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));

    assertSent(deliver(false), "dane");
  }

  @Test
  void deliver_mxHostIsAnAlias_tlsaLookupErrorAtTheExpandedName_defers() throws Exception {
    dns.aliases.put("mx1.example.com", "mx.hoster.example");
    dns.failing.add(tlsaName("mx.hoster.example"));
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));

    RecipientResult r = only(deliver(false));
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.text()).startsWith("TLSA lookup error for mx1.example.com:");
    assertThat(mx1.commands()).isEmpty();
  }

  @Test
  void deliver_daneTaMatchesWithMxHostName_sentTlsDane() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(2, 0, 2, root.certificate())));

    assertSent(deliver(false), "dane");
  }

  @Test
  void deliver_daneTaCertificateForAnotherName_defersNotDane() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx2.example.com")));
    dns.hosts.put("mx2.example.com", List.of(InetAddress.getByName("127.0.0.1")));
    dns.tlsa.put(tlsaName("mx2.example.com"), List.of(tlsa(2, 1, 1, root.certificate())));

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!dane");
    assertThat(mx1.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_onlyUnusableTlsa_downgradesToEncrypt() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(1, 0, 1, mx1Cert.certificate())));

    assertSent(deliver(false), "encrypt");
  }

  @Test
  void deliver_unusableTlsaAndNoStarttls_defersNeverPlaintext() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(0, 0, 1, root.certificate())));
    mx1.keywords = List.of("PIPELINING");

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.7.4");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!encrypt");
    assertThat(mx1.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_noTlsa_downgradesToMay() throws Exception {
    assertSent(deliver(false), "may");
  }

  @Test
  void deliver_tlsaWithoutAdBit_isIgnored() throws Exception {
    String name = tlsaName("mx1.example.com");
    dns.tlsa.put(name, List.of(TlsaRecord.of(3, 1, 1, "00".repeat(32))));
    dns.insecure.add(name);

    assertSent(deliver(false), "may");
  }

  @Test
  void deliver_mxWithoutDnssec_tlsaVerifiedAsHalfdane() throws Exception {
    dns.insecure.add("example.com");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));

    assertSent(deliver(false), "halfdane");
  }

  @Test
  void deliver_mxWithoutDnssecInsecureMxPolicyMay_ignoresTlsa() throws Exception {
    params.put("smtp_tls_dane_insecure_mx_policy", "may");
    dns.insecure.add("example.com");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(TlsaRecord.of(3, 1, 1, "00".repeat(32))));

    assertSent(deliver(false), "may");
  }

  @Test
  void deliver_certificateMatchesNoTlsa_defersAndTriesNextMx() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com"),
        new MxRecord(20, "mx2.example.com")));
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));
    dns.tlsa.put(tlsaName("mx2.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.relay()).startsWith("mx2.example.com[127.0.0.2]");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("dane");
    assertThat(mx1.commands()).contains("STARTTLS").noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_certificateMatchesNoTlsaOnlyMx_defersWithNotDane() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.7.5");
    assertThat(r.text()).contains("Server certificate not verified");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!dane");
    assertThat(mx1.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_tlsaLookupServfail_defersWithoutConnecting() throws Exception {
    dns.failing.add(tlsaName("mx1.example.com"));

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.7.5");
    assertThat(r.text()).isEqualTo("TLSA lookup error for mx1.example.com:" + mx1.port());
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("unknown?");
    assertThat(mx1.sessions).isZero();
  }

  @Test
  void deliver_daneOnlyWithoutTlsa_defersWithoutConnecting() throws Exception {
    params.put("smtp_tls_security_level", "dane-only");

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.text()).contains("no TLSA records found");
    assertThat(r.text()).isEqualTo("no TLSA records found");
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("unknown?");
    assertThat(mx1.sessions).isZero();
  }

  @Test
  void deliver_daneOnlyUnusableTlsa_defers() throws Exception {
    params.put("smtp_tls_security_level", "dane-only");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(1, 0, 1, mx1Cert.certificate())));

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.text()).contains("TLSA records unusable");
    assertThat(mx1.sessions).isZero();
  }

  @Test
  void deliver_daneOnlyInsecureMx_defers() throws Exception {
    params.put("smtp_tls_security_level", "dane-only");
    dns.insecure.add("example.com");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));

    RecipientResult r = only(deliver(false));

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.text()).contains("non DNSSEC destination");
    assertThat(mx1.sessions).isZero();
  }

  @Test
  void deliver_daneOnlyMatches_sentTlsDaneOnly() throws Exception {
    params.put("smtp_tls_security_level", "dane-only");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 0, 1, mx1Cert.certificate())));

    assertSent(deliver(false), "dane-only");
  }

  @Test
  void deliver_dnssecLookupsDisabled_daneIsMay() throws Exception {
    params.put("smtp_dns_support_level", "");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));

    assertSent(deliver(false), "may");
  }

  @Test
  void deliver_requireTlsEnforceOverDane_sendsRequireTls() throws Exception {
    params.put("smtp_requiretls_policy", "enforce");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));

    assertSent(deliver(true), "dane/requiretls");
    assertThat(mx1.commands()).anyMatch(c -> c.startsWith("MAIL FROM") && c.endsWith("REQUIRETLS"));
  }

  @Test
  void deliver_requireTlsEnforceOverHalfdane_refusedNoCertMatch() throws Exception {
    params.put("smtp_requiretls_policy", "enforce");
    dns.insecure.add("example.com");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));

    RecipientResult r = only(deliver(true));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.7.10");
    assertThat(r.tlsStatus().orElseThrow().format())
        .isEqualTo("halfdane/!requiretls:nocertmatch");
    assertThat(mx1.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_requireTlsEnforceOverDowngradedDane_refusedNoCertMatch() throws Exception {
    params.put("smtp_requiretls_policy", "enforce");

    RecipientResult r = only(deliver(true));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may?/!requiretls:nocertmatch");
    assertThat(r.text()).isEqualTo("Sender requested REQUIRETLS, but my configured TLS security level"
        + " 'may' disables certificate matching. The last attempted server was mx1.example.com");
    assertThat(r.relay()).isEqualTo("none");
    assertThat(mx1.sessions).isZero();
  }
}
