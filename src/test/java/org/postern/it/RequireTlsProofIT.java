package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof afterwards (issue 15 item 5): each REQUIRETLS delivery's {@code requiretls:} line
 * names the certificate check it rested on, and {@code bin/postern requiretls-report} counts them.
 * A DNSSEC-signed {@code test.} zone ({@link DnssecWorld#signedTest}) holds four destination
 * domains whose MX hosts are aiosmtpd peers on 127.0.107.11-.14:25 with STARTTLS, a certificate
 * for their name from the test CA and REQUIRETLS: {@code dane.test} publishes a DANE-EE TLSA
 * record (policy {@code dane}), {@code pkix.test} is held to {@code secure}, {@code fp.test} to
 * {@code fingerprint} with its certificate's SHA-256 fingerprint, and {@code sts.test} publishes
 * an MTA-STS {@code enforce} policy served by nginx on 127.0.107.10:443 (default level {@code
 * may}, so the policy decides); {@code plain.test}'s MX host (127.0.107.15) offers no STARTTLS
 * and is {@code opportunistic} in {@code smtp_requiretls_policy}, the others {@code enforce};
 * {@code wrong.test} is held to {@code secure} but its MX host (127.0.107.16) shows a certificate
 * for another name, so the check fails and the message returns to its local sender.
 * Messages from {@code client.test}, {@code corp.test} and {@code localhost} are marked for
 * REQUIRETLS by {@code requiretls_request_maps}.
 */
class RequireTlsProofIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String[] DOMAINS = {"dane.test", "pkix.test", "fp.test", "sts.test"};

  @TempDir static Path dir;
  private static final List<AutoCloseable> started = new ArrayList<>();
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<String> records = new ArrayList<>();
    List<List<Path>> certs = new ArrayList<>();
    for (int i = 0; i < DOMAINS.length; i++) {
      String mx = "mx." + DOMAINS[i];
      certs.add(pki.server(mx));
      records.add(DOMAINS[i] + ". 300 IN MX 10 " + mx + ".");
      records.add(mx + ". 300 IN A 127.0.107." + (11 + i));
    }
    records.add("_25._tcp.mx.dane.test. 300 IN TLSA " + DnssecWorld.daneEe(certs.get(0).get(0)));
    records.add("_mta-sts.sts.test. 300 IN TXT \"v=STSv1; id=sts1;\"");
    records.add("mta-sts.sts.test. 300 IN A 127.0.107.10");
    records.add("plain.test. 300 IN MX 10 mx.plain.test.");
    records.add("mx.plain.test. 300 IN A 127.0.107.15");
    records.add("wrong.test. 300 IN MX 10 mx.wrong.test.");
    records.add("mx.wrong.test. 300 IN A 127.0.107.16");
    DnssecWorld dns = started(DnssecWorld.signedTest(dir.resolve("dns"), records));
    Path www = Files.createDirectories(dir.resolve("www/sts.test/.well-known"));
    Files.writeString(www.resolve("mta-sts.txt"),
        MtaStsWorld.policy("enforce", "mx.sts.test"));
    started(Nginx.start(dir.resolve("nginx"), "127.0.107.10", List.of(new Nginx.Site(
        "mta-sts.sts.test", pki.server("mta-sts.sts.test"), dir.resolve("www/sts.test")))));
    for (int i = 0; i < DOMAINS.length; i++) {
      started(AiosmtpdPeer.start(dir, "127.0.107." + (11 + i), 25, "--tls",
          certs.get(i).get(0).toString(), certs.get(i).get(1).toString(), "--requiretls"));
    }
    started(AiosmtpdPeer.start(dir, "127.0.107.15", 25));
    List<Path> other = pki.server("mx.other.test");
    started(AiosmtpdPeer.start(dir, "127.0.107.16", 25, "--tls", other.get(0).toString(),
        other.get(1).toString(), "--requiretls"));
    postern = started(PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = client.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "defer_transports =",
        "postern_dns_resolver_address = " + dns.address(),
        "smtp_dns_support_level = dnssec",
        "smtp_tls_security_level = may",
        "smtp_tls_CAfile = " + pki.caCert(),
        "smtp_tls_policy_maps = inline:{ {dane.test = dane} {pkix.test = secure}"
            + " {wrong.test = secure}"
            + " {fp.test = fingerprint match=" + fingerprint(certs.get(2).get(0)) + "} }",
        "postern_mta_sts_enable = yes",
        "postern_mta_sts_fetch_timeout = 10s",
        "requiretls_request_maps = inline:{ {client.test = yes} {corp.test = yes}"
            + " {localhost = yes} }",
        "smtp_requiretls_policy = inline:{ {plain.test = opportunistic} }, enforce",
        "")));
    postern.startAndAwaitSmtp();
  }

  private static <T extends AutoCloseable> T started(T c) {
    started.add(0, c);
    return c;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  private static String fingerprint(Path cert) throws Exception {
    PosternInstance.Result r = Commands.run(List.of("openssl", "x509", "-noout", "-fingerprint",
        "-sha256", "-in", cert.toString()), null, LIMIT);
    assertThat(r.status()).as(r.err()).isZero();
    return r.out().strip().replaceFirst("^.*=", "");
  }

  /**
   * Sends one message from {@code sender} to someone@{@code domain} and returns its requiretls:
   * line and status line, asserting that the first comes right before the second, from the same
   * program.
   */
  private static List<String> deliver(String sender, String domain) throws Exception {
    String id = Submit.swaks(postern, sender, "someone@" + domain, "--header",
        "Subject: proof " + domain);
    String rcpt = Pattern.quote("someone@" + domain);
    String status = postern.awaitLog(Pattern.compile(
        "(.*" + id + ": to=<" + rcpt + ">, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
    List<String> lines = postern.maillogText().lines().toList();
    int at = lines.indexOf(status);
    String check = lines.get(at - 1);
    assertThat(check).as("the line before " + status)
        .contains(id + ": requiretls: to=<someone@" + domain + ">, ");
    assertThat(program(check)).isEqualTo(program(status));
    return List.of(check.substring(check.indexOf(id)), status.substring(status.indexOf(id)));
  }

  /** {@code NAME/smtp[PID]} of a log line. */
  private static String program(String line) {
    var m = Pattern.compile(" (\\S+/smtp\\[\\d+\\]): ").matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return m.group(1);
  }

  @Test
  void eachCheckKind_namedBeforeTheStatusLine_andCountedByTheReport() throws Exception {
    List<String> dane = deliver("sender@client.test", "dane.test");
    List<String> pkix = deliver("sender@client.test", "pkix.test");
    List<String> fp = deliver("boss@corp.test", "fp.test");
    List<String> sts = deliver("boss@corp.test", "sts.test");
    List<String> plain = deliver("boss@corp.test", "plain.test");
    List<String> wrong = deliver("root@localhost", "wrong.test");

    assertThat(dane.get(0)).endsWith(": requiretls: to=<someone@dane.test>,"
        + " relay=mx.dane.test[127.0.107.11]:25, check=dane (TLSA 3 1 1 matched depth 0)");
    assertThat(dane.get(1)).contains("tls=dane/requiretls, dsn=2.0.0, status=sent");
    assertThat(pkix.get(0)).endsWith(": requiretls: to=<someone@pkix.test>,"
        + " relay=mx.pkix.test[127.0.107.12]:25, check=pkix (secure, trusted chain,"
        + " name .pkix.test)");
    assertThat(pkix.get(1)).contains("tls=secure/requiretls, dsn=2.0.0, status=sent");
    assertThat(fp.get(0)).endsWith(": requiretls: to=<someone@fp.test>,"
        + " relay=mx.fp.test[127.0.107.13]:25, check=fingerprint (sha256 certificate"
        + " fingerprint matched)");
    assertThat(fp.get(1)).contains("tls=fingerprint/requiretls, dsn=2.0.0, status=sent");
    assertThat(sts.get(0)).endsWith(": requiretls: to=<someone@sts.test>,"
        + " relay=mx.sts.test[127.0.107.14]:25, check=mta-sts (policy enforce for sts.test"
        + " (id sts1), mx mx.sts.test lists mx.sts.test, secure, trusted chain, name"
        + " mx.sts.test)");
    // The status line keeps Postfix's shape: MTA-STS shows as the secure level.
    assertThat(sts.get(1)).contains("tls=secure/requiretls, dsn=2.0.0, status=sent");
    assertThat(plain.get(0)).endsWith(": requiretls: to=<someone@plain.test>,"
        + " relay=mx.plain.test[127.0.107.15]:25, check=none (no TLS)");
    assertThat(plain.get(1)).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    // A failed check is named too.
    assertThat(wrong.get(0)).endsWith(": requiretls: to=<someone@wrong.test>,"
        + " relay=mx.wrong.test[127.0.107.16]:25, check=pkix (secure, chain not trusted or no"
        + " name matched)");
    assertThat(wrong.get(1)).contains("tls=!secure/!requiretls:nocertmatch, dsn=5.7.10,"
        + " status=bounced (Sender requested REQUIRETLS, but no matching server certificate");

    PosternInstance.Result byRecipient = postern.command("postern", "requiretls-report");
    assertThat(byRecipient.status()).as(byRecipient.err()).isZero();
    assertThat(byRecipient.err()).isEmpty();
    assertThat(byRecipient.out()).isEqualTo("""
        domain      enforce  total  requiretls  requiretls:none  !requiretls:nocertmatch  check:dane  check:mta-sts  check:pkix  check:fingerprint  check:none
        TOTAL           4/6      6           4                1                        1           1              1           2                  1           1
        dane.test      pass      1           1                0                        0           1              0           0                  0           0
        fp.test        pass      1           1                0                        0           0              0           0                  1           0
        pkix.test      pass      1           1                0                        0           0              0           1                  0           0
        plain.test     fail      1           0                1                        0           0              0           0                  0           1
        sts.test       pass      1           1                0                        0           0              1           0                  0           0
        wrong.test     fail      1           0                0                        1           0              0           1                  0           0
        """);

    PosternInstance.Result json = postern.command("postern", "requiretls-report", "--by",
        "sender", "--json", "--since", "2000-01-01", postern.maillog().toString());
    assertThat(json.status()).as(json.err()).isZero();
    assertThat(json.out())
        .startsWith("{\n  \"log\": \"" + postern.maillog() + "\",\n  \"by\": \"sender\",\n"
            + "  \"since\": ")
        .contains("""
              "domains": [
                {
                  "domain": "corp.test",
                  "enforce": "fail",
                  "deliveries": 3,
                  "outcomes": {
                    "requiretls": 2,
                    "requiretls:none": 1
                  },
                  "checks": {
                    "mta-sts": 1,
                    "fingerprint": 1,
                    "none": 1
                  }
                },
                {
                  "domain": "client.test",
                  "enforce": "pass",
                  "deliveries": 2,
                  "outcomes": {
                    "requiretls": 2
                  },
                  "checks": {
                    "dane": 1,
                    "pkix": 1
                  }
                },
                {
                  "domain": "localhost",
                  "enforce": "fail",
                  "deliveries": 1,
                  "outcomes": {
                    "!requiretls:nocertmatch": 1
                  },
                  "checks": {
                    "pkix": 1
                  }
                }
              ]
            """);
  }
}
