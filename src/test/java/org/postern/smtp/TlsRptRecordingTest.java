package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.tls.TestPki.tlsa;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
import org.postern.dns.MxRecord;
import org.postern.dns.TlsaRecord;
import org.postern.log.Relay;
import org.postern.queue.Recipient;
import org.postern.table.Tables;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.TestPki;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;
import org.postern.tlsrpt.SessionRecorder;

/**
 * The SMTP client's TLS reporting hooks: DANE sessions against scripted STARTTLS servers are
 * counted with the right policy and result type, sessions without a policy as {@code
 * no-policy-found} for the next-hop domain (none with no TLS at all); and the
 * mapping from Postern's session failures to RFC 8460 result types.
 */
class TlsRptRecordingTest {
  @TempDir static Path pkiDir;
  private static TestPki.Issued mx1Cert;
  private static TestPki.Issued mx2Cert;
  private static DaneMxHosts.Certificates certificates;

  @TempDir Path tmp;
  private DaneMxHosts hosts;
  private ScriptedSmtpServer mx1;
  private ScriptedSmtpServer mx2;
  private final FakeResolver dns = new FakeResolver();
  private final Map<String, String> params = new HashMap<>();
  private final List<SessionRecord> recorded = new ArrayList<>();
  private final SessionRecorder recorder = recorded::add;

  @BeforeAll
  static void makeCertificates() throws Exception {
    DaneMxHosts.Certificates c = DaneMxHosts.Certificates.make(pkiDir);
    mx1Cert = c.mx1();
    mx2Cert = c.mx2();
    certificates = c;
  }

  @BeforeEach
  void start() throws Exception {
    hosts = DaneMxHosts.start(certificates, List.of("PIPELINING", "STARTTLS"), dns, params);
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

  private void deliver() throws Exception {
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), false, false,
        Optional.empty(), Optional.empty(), Optional.empty());
    DeliveryRequest request =
        TestRequests.request(tmp.resolve("q"), "example.com", env, TestRequests.SIMPLE);
    try (SmtpDelivery agent = new SmtpDelivery(
        SmtpSettings.of(MainConfig.of(tmp, params), Protocol.SMTP), Tables::open, dns,
        Clock.systemUTC(), new Random(1), w -> { }, i -> { }, recorder)) {
      agent.deliver(request);
    }
  }

  @Test
  void deliver_daneMatches_countsOneTlsaSuccess() throws Exception {
    TlsaRecord record = tlsa(3, 1, 1, mx1Cert.certificate());
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(record));

    deliver();

    assertThat(recorded).singleElement().satisfies(r -> {
      assertThat(r.failure()).isEmpty();
      assertThat(r.policy().type()).isEqualTo(PolicyType.TLSA);
      assertThat(r.policy().domain()).isEqualTo("example.com");
      assertThat(r.policy().strings()).containsExactly(record.toString());
      assertThat(r.policy().mxHosts()).containsExactly("mx1.example.com");
      assertThat(r.receivingMx()).isEqualTo("mx1.example.com");
      assertThat(r.receivingIp()).isEqualTo("127.0.0.1");
    });
  }

  @Test
  void deliver_firstMxMatchesNoTlsa_countsTlsaInvalidThenSuccess() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com"),
        new MxRecord(20, "mx2.example.com")));
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));
    dns.tlsa.put(tlsaName("mx2.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));

    deliver();

    assertThat(recorded).extracting(SessionRecord::receivingMx, SessionRecord::failure)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mx1.example.com",
                Optional.of(ResultType.TLSA_INVALID)),
            org.assertj.core.groups.Tuple.tuple("mx2.example.com", Optional.empty()));
  }

  @Test
  void deliver_usableTlsaNoStarttls_countsStarttlsNotSupported() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx1Cert.certificate())));
    mx1.keywords = List.of("PIPELINING");

    deliver();

    assertThat(recorded).singleElement().extracting(SessionRecord::failure)
        .isEqualTo(Optional.of(ResultType.STARTTLS_NOT_SUPPORTED));
  }

  @Test
  void deliver_tlsaLookupServfail_countsDnssecInvalidWithoutConnecting() throws Exception {
    dns.failing.add(tlsaName("mx1.example.com"));

    deliver();

    assertThat(recorded).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.DNSSEC_INVALID);
      assertThat(r.policy().type()).isEqualTo(PolicyType.TLSA);
    });
    assertThat(mx1.sessions).isZero();
  }

  @Test
  void deliver_tlsaInvalid_failureCarriesLocalAddressAndEhloName() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(tlsa(3, 1, 1, mx2Cert.certificate())));

    deliver();

    assertThat(recorded).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.TLSA_INVALID);
      assertThat(r.sendingIp()).isEqualTo("127.0.0.1");
      assertThat(r.receivingHelo()).isEqualTo("scripted.example");
    });
  }

  @Test
  void deliver_daneOnlyWithoutTlsa_countsDaneRequiredWithoutConnecting() throws Exception {
    params.put("smtp_tls_security_level", "dane-only");

    deliver();

    assertThat(recorded).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.DANE_REQUIRED);
      assertThat(r.policy().type()).isEqualTo(PolicyType.TLSA);
      assertThat(r.reason()).isEqualTo("no TLSA records found");
      assertThat(r.sendingIp()).isEmpty();
    });
    assertThat(mx1.sessions).isZero();
  }

  @Test
  void deliver_daneOnlyUnsignedMx_countsDaneRequired() throws Exception {
    params.put("smtp_tls_security_level", "dane-only");
    dns.insecure.add("example.com");

    deliver();

    assertThat(recorded).singleElement().extracting(SessionRecord::failure, SessionRecord::reason)
        .containsExactly(Optional.of(ResultType.DANE_REQUIRED), "non DNSSEC destination");
  }

  @Test
  void deliver_daneOnlyUnusableTlsa_countsTlsaInvalid() throws Exception {
    params.put("smtp_tls_security_level", "dane-only");
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(new TlsaRecord(4, 1, 1, new byte[32])));

    deliver();

    assertThat(recorded).singleElement().extracting(SessionRecord::failure)
        .isEqualTo(Optional.of(ResultType.TLSA_INVALID));
    assertThat(mx1.sessions).isZero();
  }

  @Test
  void deliver_daneUnusableTlsa_deliveredEncryptedCountedTlsaInvalid() throws Exception {
    dns.tlsa.put(tlsaName("mx1.example.com"), List.of(new TlsaRecord(4, 1, 1, new byte[32])));

    deliver();

    assertThat(mx1.sessions).isEqualTo(1);
    assertThat(recorded).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.TLSA_INVALID);
      assertThat(r.policy().type()).isEqualTo(PolicyType.TLSA);
      assertThat(r.reason()).isEqualTo("TLSA records unusable");
      assertThat(r.receivingHelo()).isEqualTo("scripted.example");
    });
  }

  @Test
  void deliver_daneWithoutTlsa_noDaneRequired() throws Exception {
    deliver();

    assertThat(recorded).singleElement().extracting(SessionRecord::failure)
        .isEqualTo(Optional.empty());
  }

  @Test
  void deliver_noTlsaNoMtaSts_countsNoPolicyFoundForTheNextHopDomain() throws Exception {
    deliver();

    assertThat(mx1.sessions).isEqualTo(1);
    assertThat(recorded).singleElement().satisfies(r -> {
      assertThat(r.failure()).isEmpty();
      assertThat(r.policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
      assertThat(r.policy().domain()).isEqualTo("example.com");
      assertThat(r.policy().strings()).isEmpty();
      assertThat(r.policy().mxHosts()).isEmpty();
      assertThat(r.receivingMx()).isEqualTo("mx1.example.com");
    });
  }

  @Test
  void deliver_securityLevelNone_countsNothing() throws Exception {
    params.put("smtp_tls_security_level", "none");

    deliver();

    assertThat(mx1.sessions).isEqualTo(1);
    assertThat(recorded).isEmpty();
  }

  private static SessionFailure failure(String text) {
    return new SessionFailure("4.7.5", text, Optional.empty(), Relay.none(),
        TlsStatus.of(TlsStatus.undecided(TlsSecurityLevel.SECURE), Optional.empty()), true);
  }

  private static final ServerTls SECURE =
      ServerTls.of(ClientTlsPolicy.of(TlsSecurityLevel.SECURE));

  @Test
  void resultType_postfixFailureTexts_mapToRfc8460Types() {
    assertThat(TlsRptSessions.resultType(failure(
        "TLS is required, but was not offered by host mx[192.0.2.1]:25"), SECURE))
        .map(TlsRptSessions.Refusal::type).contains(ResultType.STARTTLS_NOT_SUPPORTED);
    assertThat(TlsRptSessions.resultType(failure(
        "TLS is required, but host mx[192.0.2.1]:25 refused to start TLS: 454 no"), SECURE))
        .map(TlsRptSessions.Refusal::type).contains(ResultType.STARTTLS_NOT_SUPPORTED);
    assertThat(TlsRptSessions.resultType(failure(
        "Server certificate not verified (host mx[192.0.2.1]:25, subject_CN=x)"), SECURE))
        .map(TlsRptSessions.Refusal::type).contains(ResultType.VALIDATION_FAILURE);
    assertThat(TlsRptSessions.resultType(failure(
        "Cannot start TLS: handshake failure with mx[192.0.2.1]:25: reset"), SECURE))
        .map(TlsRptSessions.Refusal::type).contains(ResultType.VALIDATION_FAILURE);
  }

  @Test
  void resultType_notAboutTls_notCounted() {
    assertThat(TlsRptSessions.resultType(failure(
        "connect to mx[192.0.2.1]:25: Connection refused"), SECURE)).isEmpty();
    assertThat(TlsRptSessions.resultType(failure(
        "host mx[192.0.2.1]:25 refused to talk to me: 554 go away"), SECURE)).isEmpty();
  }
}
