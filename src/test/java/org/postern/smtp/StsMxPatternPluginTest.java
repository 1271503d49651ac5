package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.dns.MxRecord;
import org.postern.queue.Recipient;
import org.postern.table.Tables;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.SessionRecord;

/**
 * {@code smtp_tls_enforce_sts_mx_patterns}: an MTA-STS policy that a plugin answers through
 * {@code smtp_tls_policy_maps} (postfix-mta-sts-resolver's shape, here a static: table) lists only
 * mx2.example.com; example.com's MX hosts are mx1 (preferred) and mx2, each a scripted STARTTLS
 * server with a certificate for its own name. Enforced (default), mx1 is skipped with Postfix's
 * warning and the certificate is matched against the MX host name; not enforced, mx1 is used.
 */
class StsMxPatternPluginTest {
  private static final String PLUGIN_ANSWER = "static:{secure match=mx1.example.com:"
      + "mx2.example.com servername=hostname policy_type=sts policy_domain=example.com"
      + " {policy_string = version: STSv1} {policy_string = mode: enforce}"
      + " mx_host_pattern=mx2.example.com}";

  @TempDir static Path pkiDir;
  private static DaneMxHosts.Certificates certificates;

  @TempDir Path tmp;
  private DaneMxHosts hosts;
  private final FakeResolver dns = new FakeResolver();
  private final Map<String, String> params = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<SessionRecord> recorded = new ArrayList<>();

  @BeforeAll
  static void makeCertificates() throws Exception {
    certificates = DaneMxHosts.Certificates.make(pkiDir);
  }

  @BeforeEach
  void start() throws Exception {
    hosts = DaneMxHosts.start(certificates, List.of("PIPELINING", "STARTTLS"), dns, params);
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com"),
        new MxRecord(20, "mx2.example.com")));
    params.put("smtp_tls_security_level", "may");
    params.put("smtp_tls_CAfile", certificates.root().cert().toString());
    params.put("smtp_tls_policy_maps", PLUGIN_ANSWER);
  }

  @AfterEach
  void stop() throws Exception {
    hosts.close();
  }

  private RecipientResult deliver() throws Exception {
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), false, false,
        Optional.empty(), Optional.empty(), Optional.empty());
    try (SmtpDelivery agent = new SmtpDelivery(
        SmtpSettings.of(MainConfig.of(tmp, params), Protocol.SMTP), Tables::open, dns,
        Clock.systemUTC(), new Random(1), warnings::add, i -> { }, recorded::add)) {
      return agent.deliver(TestRequests.request(tmp.resolve("q"), "example.com", env,
          TestRequests.SIMPLE)).getFirst();
    }
  }

  @Test
  void deliver_enforced_mxHostOutsideThePatternsSkippedWithWarning() throws Exception {
    RecipientResult r = deliver();

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.relay()).startsWith("mx2.example.com[127.0.0.2]:");
    assertThat(hosts.mx1.sessions).isZero();
    assertThat(warnings).containsExactly(
        "MX name 'mx1.example.com' does not match STS MX pattern for 'example.com'");
    assertThat(recorded).singleElement().satisfies(s -> {
      assertThat(s.failure()).isEmpty();
      assertThat(s.policy().type()).isEqualTo(PolicyType.STS);
      assertThat(s.policy().domain()).isEqualTo("example.com");
      assertThat(s.policy().strings()).containsExactly("version: STSv1", "mode: enforce");
      assertThat(s.policy().mxHosts()).containsExactly("mx2.example.com");
    });
  }

  @Test
  void deliver_enforced_noMxHostMatches_defers430() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com")));

    RecipientResult r = deliver();

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.0");
    assertThat(r.text()).isEqualTo("server unavailable or unable to receive mail");
    assertThat(hosts.mx1.sessions).isZero();
  }

  @Test
  void deliver_enforced_certificateMatchedAgainstTheMxHostName() throws Exception {
    // mx2 answers with mx1's certificate: valid for a name the plugin's match= lists, but not
    // for the MX host name that enforcement matches against.
    hosts.mx2.tls = certificates.mx1Tls();

    RecipientResult r = deliver();

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.text()).isEqualTo("Server certificate not verified");
  }

  @Test
  void deliver_notEnforced_anyMxHostAndTheMatchList() throws Exception {
    params.put("smtp_tls_enforce_sts_mx_patterns", "no");
    hosts.mx2.tls = certificates.mx1Tls();

    RecipientResult r = deliver();

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.relay()).startsWith("mx1.example.com[127.0.0.1]:");
    assertThat(warnings).isEmpty();
  }
}
