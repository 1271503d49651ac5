package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.differential.Postfix312;

/**
 * {@code smtp_cname_overrides_servername} on Postfix 3.12 and on Postern: cname.test's MX host
 * alias.cname.test is a CNAME for mx.cname.test (127.0.86.31), an aiosmtpd server with a
 * certificate for mx.cname.test only; {@code smtp_tls_security_level = verify} matches the
 * certificate against the server name. With {@code no} (the default) that name is the alias, the
 * certificate does not match and the mail is deferred; with {@code yes} it is mx.cname.test and
 * the mail is sent. DNS is a test unbound on 127.0.86.54:53 (Postfix's resolv.conf) and on a free
 * port for Postern.
 */
class CnameServernamePostfixIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir static Path tmp;
  private static Unbound dns;
  private static AiosmtpdPeer mx;
  /** "postfix-yes", "postern-no", ...: the status line of the delivery. */
  private static final Map<String, String> STATUS = new HashMap<>();

  @BeforeAll
  static void runBoth() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    dns = startDns();
    List<Path> cert = pki.server("mx.cname.test");
    mx = AiosmtpdPeer.start(tmp, "127.0.86.31", 25, "--tls", cert.get(0).toString(),
        cert.get(1).toString());
    Path resolvConf = tmp.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver 127.0.86.54\n");
    for (String setting : List.of("no", "yes")) {
      List<String> common = List.of("myhostname = client.test", "mydestination =",
          "mynetworks = 127.0.0.0/8", "smtp_tls_security_level = verify",
          "smtp_tls_CAfile = " + pki.caCert(), "smtp_cname_overrides_servername = " + setting);
      try (Postfix312 p = Postfix312.start(tmp.resolve("postfix-" + setting), common,
          List.of("127.0.86.21:2525 inet n - n - - smtpd"), Optional.of(resolvConf))) {
        Commands.ok(List.of("swaks", "--server", "127.0.86.21:2525", "--ehlo", "client.test",
            "--from", "sender@client.test", "--to", "someone@cname.test"), null, LIMIT);
        Commands.await(LIMIT, () -> status(p.maillogText()).isPresent());
        STATUS.put("postfix-" + setting, status(p.maillogText()).orElse("(no status line)"));
      }
      List<String> posternCf = new ArrayList<>(common);
      posternCf.addAll(List.of("inet_protocols = ipv4", "defer_transports =",
          "postern_dns_resolver_address = " + dns.address()));
      try (PosternInstance postern = PosternInstance.create(tmp.resolve("postern-" + setting),
          String.join("\n", posternCf) + "\n")) {
        postern.startAndAwaitSmtp();
        Submit.swaks(postern, "sender@client.test", "someone@cname.test");
        STATUS.put("postern-" + setting, postern.awaitLog(Pattern.compile(
            "(to=<someone@cname\\.test>, .*status=(?:sent|deferred|bounced).*)"), LIMIT));
      }
    }
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
    conf.addAll(List.of("  interface: 127.0.86.54@53", "  do-not-query-localhost: no",
        "  local-zone: \"test.\" static"));
    for (String r : List.of("cname.test. 300 IN MX 10 alias.cname.test.",
        "alias.cname.test. 300 IN CNAME mx.cname.test.",
        "mx.cname.test. 300 IN A 127.0.86.31")) {
      conf.add("  local-data: '" + r + "'");
    }
    return Unbound.launch(d, port, conf);
  }

  private static Optional<String> status(String log) {
    Matcher m = Pattern.compile("to=<someone@cname\\.test>, .*status=(?:sent|deferred|bounced)"
        + ".*").matcher(log);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  @Test
  void overrideNo_aliasIsTheServerName_certificateNotVerified_onBoth() {
    for (String mta : List.of("postfix-no", "postern-no")) {
      assertThat(STATUS.get(mta)).as(mta).contains("relay=alias.cname.test[127.0.86.31]:25")
          .contains("status=deferred").contains("Server certificate not verified");
    }
  }

  @Test
  void overrideYes_canonicalNameIsTheServerName_sent_onBoth() {
    for (String mta : List.of("postfix-yes", "postern-yes")) {
      assertThat(STATUS.get(mta)).as(mta).contains("relay=mx.cname.test[127.0.86.31]:25")
          .contains("status=sent");
    }
  }
}
