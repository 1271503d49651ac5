package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.dns.MxRecord;
import org.postern.queue.Recipient;
import org.postern.table.Tables;

/**
 * The SMTP client's REQUIRETLS decisions against a scripted server: STARTTLS stripped or refused,
 * {@code enforce} and {@code opportunistic} per level, the MX lookup's DNSSEC status under
 * {@code enforce}, policy errors, and where REQUIRETLS and the TLS level each decide the outcome.
 * (The rest of the delivery protocol is {@link SmtpDeliveryTest}'s.)
 */
class SmtpDeliveryRequireTlsTest extends ScriptedDeliveryTest {
  @Test
  void deliver_requireTlsStarttlsStripped_neverSendsMailAndBounces5730() throws Exception {
    params.put("smtp_requiretls_policy", "opportunistic+starttls");
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.30");
      assertThat(r.text()).isEqualTo("Sender requested REQUIRETLS, but TLS service was not offered"
          + " by host 127.0.0.1[127.0.0.1]");
      // The level allowed plaintext: only REQUIRETLS refused, the level stays undecided.
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may?/!requiretls:nostarttls");
    });
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL") || c.startsWith("RCPT"));
    assertThat(server.contents()).isEmpty();
  }

  @Test
  void deliver_requireTlsEnforceAtVerifyStarttlsStripped_bounces5730NotDeferred() throws Exception {
    params.put("smtp_tls_security_level", "verify");
    params.put("smtp_requiretls_policy", "enforce");
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.30");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!verify/!requiretls:nostarttls");
    });
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL") || c.startsWith("RCPT"));
  }

  @Test
  void deliver_requireTlsStarttlsRefused_neverSendsMailAndBounces5710() throws Exception {
    params.put("smtp_requiretls_policy", "opportunistic+starttls");
    server.keywords = List.of("PIPELINING", "STARTTLS");
    server.on("STARTTLS", "454 4.7.0 TLS not available due to temporary reason");
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.10");
      assertThat(r.text()).isEqualTo("Sender requested REQUIRETLS, but host 127.0.0.1[127.0.0.1]"
          + " refused to start TLS: 454 4.7.0 TLS not available due to temporary reason");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may?/!requiretls:nostarttls");
    });
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL") || c.startsWith("RCPT"));
  }

  @Test
  void deliver_requireTlsEnforceAtLevelMay_neverConnects() throws Exception {
    params.put("smtp_requiretls_policy", "enforce");
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.10");
      assertThat(r.relay()).isEqualTo("none");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may?/!requiretls:nocertmatch");
    });
    assertThat(server.sessions).isZero();
  }

  @Test
  void deliver_requireTlsEnforce_mxWithoutDnssec_refusedAsNoCertificateMatch_neverConnects()
      throws Exception {
    params.put("smtp_tls_security_level", "verify");
    params.put("smtp_requiretls_policy", "enforce");
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com")));
    dns.hosts.put("mx1.example.com", List.of(InetAddress.getByName("127.0.0.1")));
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), "example.com", env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.10");
      assertThat(r.relay()).isEqualTo("none");
      assertThat(r.text()).isEqualTo("Sender requested REQUIRETLS, but no matching server"
          + " certificate was found. The last attempted server was mx1.example.com[127.0.0.1]");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("verify?/!requiretls:nocertmatch");
    });
    assertThat(server.sessions).isZero();
  }

  @Test
  void deliver_requireTlsEnforce_mxWithoutDnssec_secureMatchingTheNextHop_connects()
      throws Exception {
    // secure matches nexthop, dot-nexthop by default: no name from the MX answer is trusted.
    params.put("smtp_tls_security_level", "secure");
    params.put("smtp_requiretls_policy", "enforce");
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com")));
    dns.hosts.put("mx1.example.com", List.of(InetAddress.getByName("127.0.0.1")));
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), "example.com", env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().extracting(RecipientResult::dsn).isEqualTo("5.7.30");
    assertThat(server.sessions).isEqualTo(1);
  }

  @Test
  void deliver_requireTlsEnforce_mxWithDnssec_connects() throws Exception {
    params.put("smtp_tls_security_level", "secure");
    params.put("smtp_requiretls_policy", "enforce");
    dns.authentic = true;
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com")));
    dns.hosts.put("mx1.example.com", List.of(InetAddress.getByName("127.0.0.1")));
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), "example.com", env,
        TestRequests.SIMPLE));

    // The scripted server offers no STARTTLS: refused after connecting, for that reason alone.
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.dsn()).isEqualTo("5.7.30");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!secure/!requiretls:nostarttls");
    });
    assertThat(server.sessions).isEqualTo(1);
  }

  @Test
  void deliver_requireTlsOpportunistic_mxWithoutDnssec_isNotAskedAbout() throws Exception {
    params.put("smtp_requiretls_policy", "opportunistic");
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com")));
    dns.hosts.put("mx1.example.com", List.of(InetAddress.getByName("127.0.0.1")));
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), "example.com", env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(Status.SENT));
  }

  @Test
  void deliver_requireTlsOpportunisticWithoutStarttls_sendsWithoutRequireTls() throws Exception {
    params.put("smtp_requiretls_policy", "opportunistic");
    server.keywords = List.of("PIPELINING", "REQUIRETLS");
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may:none/requiretls:none");
    });
    assertThat(server.commands()).contains("MAIL FROM:<sender@example.org>");
  }

  @Test
  void deliver_requireTlsPolicyError_defers() throws Exception {
    params.put("smtp_requiretls_policy", "bogus");
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
        Optional.empty(), Optional.empty(), Optional.empty());

    List<String> warnings = new java.util.ArrayList<>();
    List<RecipientResult> results;
    try (SmtpDelivery agent = new SmtpDelivery(SmtpSettings.of(MainConfig.of(tmp, params), Protocol.SMTP),
        Tables::open, dns, Clock.systemUTC(), new Random(1), warnings::add)) {
      results = agent.deliver(TestRequests.request(tmp.resolve("q"), literal(), env, TestRequests.SIMPLE));
    }

    // Postfix 3.12: per server, after the TLS policy; the level undecided, no requiretls feature.
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.7.10");
      assertThat(r.text()).isEqualTo(
          "REQUIRETLS policy configuration error. The last attempted server was 127.0.0.1");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may?");
    });
    assertThat(warnings).singleElement().asString().contains("unknown policy action");
    assertThat(server.sessions).isZero();
  }

  @Test
  void deliver_encryptWithoutStarttls_defersViolated() throws Exception {
    params.put("smtp_tls_security_level", "encrypt");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.7.4");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("!encrypt");
    });
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_requireTlsEnforceVerifyWithoutStarttls_bounces5730NotLevelDeferral()
      throws Exception {
    params.put("smtp_tls_security_level", "verify");
    params.put("smtp_requiretls_policy", "enforce");

    var result = deliver(TestRequests.request(tmp.resolve("q"), literal(),
        TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
            Optional.empty(), Optional.empty(), Optional.empty()),
        TestRequests.SIMPLE)).getFirst();

    assertThat(result.status()).as(result.text()).isEqualTo(Status.BOUNCED);
    assertThat(result.dsn()).isEqualTo("5.7.30");
    assertThat(result.tlsStatus().orElseThrow().format())
        .isEqualTo("!verify/!requiretls:nostarttls");
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_requireTlsOpportunisticAtEncryptWithoutStarttls_staysLevelDeferral()
      throws Exception {
    params.put("smtp_tls_security_level", "encrypt");
    params.put("smtp_requiretls_policy", "opportunistic");

    var result = deliver(TestRequests.request(tmp.resolve("q"), literal(),
        TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
            Optional.empty(), Optional.empty(), Optional.empty()),
        TestRequests.SIMPLE)).getFirst();

    assertThat(result.status()).as(result.text()).isEqualTo(Status.DEFERRED);
    assertThat(result.dsn()).isEqualTo("4.7.4");
    assertThat(result.tlsStatus().orElseThrow().format()).isEqualTo("!encrypt/requiretls?");
  }
}
