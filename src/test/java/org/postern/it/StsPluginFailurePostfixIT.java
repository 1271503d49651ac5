package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.differential.Postfix312;
import org.postern.tlsrpt.Journal;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;

/**
 * A TLS policy plugin's {@code policy_failure} on Postfix 3.12 and on Postern with the same
 * {@code smtp_tls_policy_maps} answer ({@code secure ... policy_type=sts ...
 * policy_failure=sts-policy-fetch-error}, from a {@code static:} table): the only MX host,
 * mx.fail.test (127.0.101.61), holds a certificate from the trusted CA for its own name, yet
 * both MTAs fail its certificate check and defer the mail with {@code Server certificate not
 * verified}, as Postfix forces the check to fail. Postern, with {@code postern_tlsrpt_enable},
 * counts the session as the plugin's failure type. DNS is a test unbound on 127.0.101.53:53
 * (Postfix's resolv.conf) and on a free port for Postern.
 */
class StsPluginFailurePostfixIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String POLICY = "smtp_tls_policy_maps = static:{secure"
      + " match=mx.fail.test servername=hostname policy_type=sts policy_domain=fail.test"
      + " mx_host_pattern=mx.fail.test policy_failure=sts-policy-fetch-error}";

  @TempDir static Path tmp;
  private static Unbound dns;
  private static AiosmtpdPeer mx;
  private static String postfixStatus;
  private static String posternStatus;
  private static List<SessionRecord> journaled;

  @BeforeAll
  static void runBoth() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    dns = startDns();
    List<Path> cert = pki.server("mx.fail.test");
    mx = AiosmtpdPeer.start(tmp, "127.0.101.61", 25, "--tls", cert.get(0).toString(),
        cert.get(1).toString());
    List<String> common = List.of("myhostname = client.test", "mydestination =",
        "mynetworks = 127.0.0.0/8", "smtp_tls_security_level = may",
        "smtp_tls_CAfile = " + pki.caCert(), POLICY);
    Path resolvConf = tmp.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver 127.0.101.53\n");
    try (Postfix312 p = Postfix312.start(tmp.resolve("postfix"), common,
        List.of("127.0.101.60:2525 inet n - n - - smtpd"), Optional.of(resolvConf))) {
      Commands.ok(List.of("swaks", "--server", "127.0.101.60:2525", "--ehlo", "client.test",
          "--from", "sender@client.test", "--to", "someone@fail.test"), null, LIMIT);
      Commands.await(LIMIT, () -> status(p.maillogText()).isPresent());
      postfixStatus = status(p.maillogText()).orElse("(no status line)");
    }
    List<String> posternCf = new ArrayList<>(common);
    posternCf.addAll(List.of("inet_protocols = ipv4", "defer_transports =",
        "postern_dns_resolver_address = " + dns.address(), "postern_tlsrpt_enable = yes"));
    try (PosternInstance postern = PosternInstance.create(tmp.resolve("postern"),
        String.join("\n", posternCf) + "\n")) {
      postern.startAndAwaitSmtp();
      Submit.swaks(postern, "sender@client.test", "someone@fail.test");
      posternStatus = postern.awaitLog(Pattern.compile(
          "(to=<someone@fail\\.test>, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
    }
    journaled = Journal.read(tmp.resolve("postern/lib/tlsrpt"), LocalDate.now(ZoneOffset.UTC))
        .records();
  }

  @AfterAll
  static void stop() throws Exception {
    if (mx != null) {
      mx.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  private static Unbound startDns() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("dns"));
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(Unbound.server(d, port, "iterator"));
    conf.addAll(List.of("  interface: 127.0.101.53@53", "  do-not-query-localhost: no",
        "  local-zone: \"test.\" static"));
    for (String r : List.of("fail.test. 300 IN MX 10 mx.fail.test.",
        "mx.fail.test. 300 IN A 127.0.101.61")) {
      conf.add("  local-data: '" + r + "'");
    }
    return Unbound.launch(d, port, conf);
  }

  private static Optional<String> status(String log) {
    Matcher m = Pattern.compile("to=<someone@fail\\.test>, .*status=(?:sent|deferred|bounced)"
        + ".*").matcher(log);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  @Test
  void policyFailure_validCertificateRefused_deferredOnBoth_countedByPostern() {
    for (String line : List.of(postfixStatus, posternStatus)) {
      assertThat(line).contains("relay=mx.fail.test[127.0.101.61]:25")
          .contains("dsn=4.7.5").contains("status=deferred")
          .contains("(Server certificate not verified)");
    }
    assertThat(mx.messages()).isEmpty();
    assertThat(journaled).singleElement().satisfies(r -> {
      assertThat(r.failure()).contains(ResultType.STS_POLICY_FETCH_ERROR);
      assertThat(r.policy().type()).isEqualTo(PolicyType.STS);
      assertThat(r.policy().domain()).isEqualTo("fail.test");
      assertThat(r.reason()).isEqualTo("external policy failure");
    });
  }
}
