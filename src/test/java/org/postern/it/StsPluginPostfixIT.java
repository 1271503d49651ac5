package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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

/**
 * {@code smtp_tls_enforce_sts_mx_patterns} on Postfix 3.12 and on Postern with the same
 * {@code smtp_tls_policy_maps} answer, the shape an MTA-STS plugin with TLSRPT support gives
 * ({@code secure match=... servername=hostname policy_type=sts policy_domain=...
 * mx_host_pattern=...}, here from a {@code static:} table): plugin.test's preferred MX host
 * rogue.plugin.test (127.0.86.12) holds a certificate for its name, which the plugin's
 * {@code match=} lists but no {@code mx_host_pattern} does; mx.plugin.test (127.0.86.11) is
 * listed. Both MTAs skip rogue with the same warning and deliver to mx. DNS is a test unbound on
 * 127.0.86.53:53 (Postfix's resolv.conf) and on a free port for Postern.
 */
class StsPluginPostfixIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String POLICY = "smtp_tls_policy_maps = static:{secure"
      + " match=rogue.plugin.test:mx.plugin.test servername=hostname policy_type=sts"
      + " policy_domain=plugin.test mx_host_pattern=mx.plugin.test}";
  private static final String WARNING =
      "warning: MX name 'rogue.plugin.test' does not match STS MX pattern for 'plugin.test'";

  @TempDir static Path tmp;
  private static Unbound dns;
  private static AiosmtpdPeer mx;
  private static AiosmtpdPeer rogue;
  private static String postfixLog;
  private static String postfixStatus;
  private static String posternLog;
  private static String posternStatus;

  @BeforeAll
  static void runBoth() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    dns = startDns();
    mx = peer(pki, "127.0.86.11", "mx.plugin.test");
    rogue = peer(pki, "127.0.86.12", "rogue.plugin.test");
    List<String> common = List.of("myhostname = client.test", "mydestination =",
        "mynetworks = 127.0.0.0/8", "smtp_tls_security_level = may",
        "smtp_tls_CAfile = " + pki.caCert(), POLICY);
    Path resolvConf = tmp.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver 127.0.86.53\n");
    try (Postfix312 p = Postfix312.start(tmp.resolve("postfix"), common,
        List.of("127.0.86.20:2525 inet n - n - - smtpd"), Optional.of(resolvConf))) {
      Commands.ok(List.of("swaks", "--server", "127.0.86.20:2525", "--ehlo", "client.test",
          "--from", "sender@client.test", "--to", "someone@plugin.test"), null, LIMIT);
      Commands.await(LIMIT, () -> status(p.maillogText()).isPresent());
      postfixLog = p.maillogText();
      postfixStatus = status(postfixLog).orElse("(no status line)");
    }
    List<String> posternCf = new ArrayList<>(common);
    posternCf.addAll(List.of("inet_protocols = ipv4", "defer_transports =",
        "postern_dns_resolver_address = " + dns.address()));
    try (PosternInstance postern = PosternInstance.create(tmp.resolve("postern"),
        String.join("\n", posternCf) + "\n")) {
      postern.startAndAwaitSmtp();
      Submit.swaks(postern, "sender@client.test", "someone@plugin.test");
      posternStatus = postern.awaitLog(Pattern.compile(
          "(to=<someone@plugin\\.test>, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
      posternLog = String.join("\n", postern.logLines(Pattern.compile("(.*)")));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {mx, rogue}) {
      if (c != null) {
        c.close();
      }
    }
    if (dns != null) {
      dns.close();
    }
  }

  private static AiosmtpdPeer peer(TestPki pki, String address, String name) throws Exception {
    List<Path> cert = pki.server(name);
    return AiosmtpdPeer.start(tmp, address, 25, "--tls", cert.get(0).toString(),
        cert.get(1).toString());
  }

  private static Unbound startDns() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("dns"));
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(Unbound.server(d, port, "iterator"));
    conf.addAll(List.of("  interface: 127.0.86.53@53", "  do-not-query-localhost: no",
        "  local-zone: \"test.\" static"));
    for (String r : List.of("plugin.test. 300 IN MX 10 rogue.plugin.test.",
        "plugin.test. 300 IN MX 20 mx.plugin.test.",
        "rogue.plugin.test. 300 IN A 127.0.86.12", "mx.plugin.test. 300 IN A 127.0.86.11")) {
      conf.add("  local-data: '" + r + "'");
    }
    return Unbound.launch(d, port, conf);
  }

  private static Optional<String> status(String log) {
    Matcher m = Pattern.compile("to=<someone@plugin\\.test>, .*status=(?:sent|deferred|bounced)"
        + ".*").matcher(log);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  @Test
  void unlistedMxSkippedWithWarning_listedMxGetsTheMail_onBoth() {
    assertThat(postfixLog).as("Postfix 3.12").contains(WARNING);
    assertThat(postfixStatus).as("Postfix 3.12")
        .contains("relay=mx.plugin.test[127.0.86.11]:25").contains("status=sent");
    assertThat(posternLog).as("Postern").contains(WARNING);
    assertThat(posternStatus).as("Postern")
        .contains("relay=mx.plugin.test[127.0.86.11]:25").contains("status=sent");
    assertThat(rogue.connectionCount()).as("connections to the unlisted MX").isZero();
    assertThat(mx.messages()).hasSize(2);
  }
}
