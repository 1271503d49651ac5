package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configurations of Postfix 3.11's REQUIRETLS_README (REQUIRETLS.md §9), each written into a
 * Postern main.cf as the README writes it, Postern started with it, and real deliveries showing
 * what the README promises: which REQUIRETLS action applied (the {@code tls=} field, {@code bin/
 * postern requiretls-policy}), whether the message left and whether REQUIRETLS reached the peer.
 * Each test ends with {@code bin/postern requiretls-report} on that instance's maillog, whose
 * per-domain counts must match the deliveries made.
 *
 * <p>The world: a validating unbound answers the DNSSEC-signed {@code .test} zone of {@link
 * DnssecWorld#signedTest} (RFC 8689 asks {@code enforce} for a secure MX lookup); python3-aiosmtpd peers
 * on 127.0.64.x:25 play an internal relay for {@code $mydomain} without TLS (.11), an external
 * MX with a certificate from the test CA that announces REQUIRETLS (.12, {@code good.test} and
 * {@code sub.good.test}), one with STARTTLS but no REQUIRETLS (.13, {@code old.test}), one without
 * STARTTLS (.14, {@code plain.test}), and an IP-literal destination without TLS (.15, {@code
 * user@[127.0.64.15]}); Debian's Dovecot is the LMTP message store (.16:24, {@code
 * mailbox.corp.test}). Messages ask for REQUIRETLS with {@code sendmail -O requiretls=yes}, the
 * receive-only configuration also over SMTP with python3's smtplib.
 *
 * <p>Not exercised: the README's {@code smtp_tls_policy_maps = ...dane/sts plugin...} is a
 * placeholder for a DANE or MTA-STS policy plugin, which needs a signed zone or an HTTPS policy
 * server this test world does not have. Where a configuration keeps it as a comment, so does the
 * test. Where a certificate-matching level is needed to show {@code enforce} or the discovery
 * experiment succeeding, an {@code inline:} table stands in for the plugin's answer ({@code
 * secure}, the level an MTA-STS plugin returns), in place of the placeholder line. DNSSEC (no
 * {@code dane} level here) is covered by the DANE tests. The receive-only and internal-defaults
 * configurations are written without their line numbers; the internal-defaults block stops before
 * the README's line 13 ("...to be completed in section ..."), which is prose, not a setting.
 */
class RequireTlsReadmeIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String SENDER = "sender@bounces.test";

  /** REQUIRETLS_README, "Receiving inbound messages with REQUIRETLS requests". */
  private static final String RECEIVE_ONLY =
      """
      # Don't enforce REQUIRETLS when delivering mail with SMTP or LMTP.
      smtp_requiretls_policy = opportunistic
      lmtp_requiretls_policy = opportunistic

      # Don't detect or add a "Require-TLS-ESMTP: yes" header.
      requiretls_esmtp_header = no
      """;

  /**
   * The smtp_requiretls_policy items the README repeats in three configurations, lines 6-12
   * (local names and IP literals opportunistic), indented as the README indents them.
   */
  private static final String LOCAL_ITEMS =
      """
          inline:{
              { ${domain_to_ascii{$mydomain}} = opportunistic }
              { .${domain_to_ascii{$mydomain}} = opportunistic }
              { localhost = opportunistic } }
          cidr:{
              { 0.0.0.0/0 opportunistic }
              { ::/0 opportunistic } }
      """;

  /** "LMTP and SMTP-based message stores and content filters", lines 2-12. */
  private static final String INTERNAL_DEFAULTS =
      """
      smtp_tls_security_level = may
      requiretls_esmtp_header = yes
      lmtp_requiretls_policy = opportunistic
      smtp_requiretls_policy =
      """
          + LOCAL_ITEMS;

  /** "Communication with external servers": the defaults ending in enforce. */
  private static final String EXTERNAL_DEFAULTS =
      """
      # smtp_tls_policy_maps = ...dane/sts plugin...
      smtp_tls_security_level = may
      requiretls_esmtp_header = yes
      smtp_requiretls_policy =
      """
          + LOCAL_ITEMS
          + "    enforce\n";

  /** "Relaxing REQUIRETLS for external deliveries": the same list ending in opportunistic+starttls. */
  private static final String RELAXED_EXTERNAL =
      """
      smtp_tls_security_level = may
      # smtp_tls_policy_maps = ...dane/sts plugin...
      requiretls_esmtp_header = yes
      smtp_requiretls_policy =
      """
          + LOCAL_ITEMS
          + "    opportunistic+starttls\n";

  /** "An experiment": the prose's 'opportunistic' enforcement level for all outbound mail. */
  private static final String DISCOVERY =
      """
      smtp_tls_security_level = may
      smtp_requiretls_policy = opportunistic
      """;

  /** The stand-in for the DANE/STS plugin: what an MTA-STS plugin answers for good.test. */
  private static final String POLICY_PLUGIN_STAND_IN =
      "smtp_tls_policy_maps = inline:{ { good.test = secure } { old.test = secure } }";

  @TempDir static Path dir;
  private static TestPki pki;
  private static DnssecWorld unbound;
  private static AiosmtpdPeer internal;
  private static AiosmtpdPeer good;
  private static AiosmtpdPeer old;
  private static AiosmtpdPeer plain;
  private static AiosmtpdPeer literal;
  private static DovecotLmtp store;
  private static Path transport;

  private PosternInstance postern;

  @BeforeAll
  static void startWorld() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    unbound =
        DnssecWorld.signedTest(
            dir.resolve("dns"),
            List.of(
                "corp.test. 300 IN MX 10 mx.corp.test.",
                "mx.corp.test. 300 IN A 127.0.64.11",
                "good.test. 300 IN MX 10 mx.good.test.",
                "sub.good.test. 300 IN MX 10 mx.good.test.",
                "mx.good.test. 300 IN A 127.0.64.12",
                "old.test. 300 IN MX 10 mx.old.test.",
                "mx.old.test. 300 IN A 127.0.64.13",
                "plain.test. 300 IN MX 10 mx.plain.test.",
                "mx.plain.test. 300 IN A 127.0.64.14"));
    internal = AiosmtpdPeer.start(dir, "127.0.64.11", 25);
    good = startTlsPeer("127.0.64.12", "mx.good.test", "--requiretls");
    old = startTlsPeer("127.0.64.13", "mx.old.test");
    plain = AiosmtpdPeer.start(dir, "127.0.64.14", 25);
    literal = AiosmtpdPeer.start(dir, "127.0.64.15", 25);
    store = DovecotLmtp.start(dir, "127.0.64.16", 24);
    transport = dir.resolve("transport");
    Files.writeString(
        transport, "mailbox.corp.test lmtp:inet:[127.0.64.16]:24\nbounces.test discard:\n");
  }

  private static AiosmtpdPeer startTlsPeer(String address, String name, String... options)
      throws Exception {
    List<Path> cert = pki.server(name);
    List<String> argv = new ArrayList<>(List.of("--tls", cert.get(0).toString(), cert.get(1).toString()));
    argv.addAll(List.of(options));
    return AiosmtpdPeer.start(dir, address, 25, argv.toArray(String[]::new));
  }

  @AfterAll
  static void stopWorld() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {internal, good, old, plain, literal, store, unbound}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @AfterEach
  void stopPostern() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  /** Postern with the test world's plumbing, then {@code readme} as the README writes it. */
  private void start(String name, String readme) throws Exception {
    create(name, readme);
    postern.startAndAwaitSmtp();
  }

  private void create(String name, String readme) throws Exception {
    List<Path> cert = pki.server("client.corp.test");
    String plumbing =
        """
        myhostname = client.corp.test
        mydomain = corp.test
        mydestination = localhost
        mynetworks = 127.0.0.0/8
        inet_protocols = ipv4
        defer_transports =
        transport_maps = texthash:%s
        postern_dns_resolver_address = %s
        smtp_tls_CAfile = %s
        smtpd_tls_security_level = may
        smtpd_tls_cert_file = %s
        smtpd_tls_key_file = %s

        # REQUIRETLS_README as written:
        """
            .formatted(transport, unbound.address(), pki.caCert(), cert.get(0), cert.get(1));
    postern = PosternInstance.create(dir.resolve(name), plumbing + readme);
  }

  /** {@code bin/sendmail [-O requiretls=yes]} one message; waits for its final status line. */
  private String deliver(String recipient, String subject, boolean requireTls, String... headers)
      throws Exception {
    String message =
        "From: <" + SENDER + ">\nTo: <" + recipient + ">\nSubject: " + subject + "\n"
            + String.join("", Arrays.stream(headers).map(h -> h + "\n").toList()) + "\nbody\n";
    List<String> args = new ArrayList<>();
    if (requireTls) {
      args.addAll(List.of("-O", "requiretls=yes"));
    }
    args.addAll(List.of("-f", SENDER, recipient));
    PosternInstance.Result r =
        postern.commandWithInput(message.getBytes(StandardCharsets.UTF_8), "sendmail", args.toArray(String[]::new));
    assertThat(r.status()).as("sendmail: " + r.err()).isZero();
    return awaitFinal(recipient);
  }

  private String awaitFinal(String recipient) throws InterruptedException {
    return postern.awaitLog(
        Pattern.compile("(/(?:smtp|lmtp)\\[\\d+\\]: \\w+: to=<" + Pattern.quote(recipient) + ">, .*status=(?:sent|bounced).*)"),
        LIMIT);
  }

  /** The one message {@code peer} received with {@code subject}. */
  private static AiosmtpdPeer.Message received(AiosmtpdPeer peer, String subject) throws InterruptedException {
    assertThat(
            Commands.await(
                LIMIT, () -> peer.messages().stream().anyMatch(m -> m.text().contains("Subject: " + subject + "\r\n"))))
        .as("a message \"" + subject + "\" at the peer")
        .isTrue();
    return peer.messages().stream().filter(m -> m.text().contains("Subject: " + subject + "\r\n")).findFirst().orElseThrow();
  }

  /** {@code bin/postern requiretls-policy [-t lmtp] nexthop}: the line it printed. */
  private String policy(String transportName, String nexthop) throws Exception {
    PosternInstance.Result r = postern.command("postern", "requiretls-policy", "-t", transportName, nexthop);
    assertThat(r.status()).as("requiretls-policy: " + r.err()).isZero();
    return r.out().strip();
  }

  /**
   * Runs {@code bin/postern requiretls-report} on this instance's maillog and compares it with
   * {@code expected}: one line per row, {@code DOMAIN VERDICT OUTCOME=COUNT...}. Every domain
   * the report lists must be expected (TOTAL may be left out); an outcome not named counts 0.
   * The certificate check columns ({@code check:...}) are RequireTlsProofIT's and not compared.
   */
  private void assertReport(String expected) throws Exception {
    PosternInstance.Result r = postern.command("postern", "requiretls-report");
    assertThat(r.status()).as("requiretls-report: " + r.err()).isZero();
    assertThat(r.err()).as("requiretls-report warnings").isEmpty();
    List<String[]> lines = r.out().lines().map(l -> l.trim().split("\\s+")).toList();
    String[] header = lines.get(0);
    Map<String, Map<String, String>> actual = new HashMap<>();
    for (String[] cells : lines.subList(1, lines.size())) {
      Map<String, String> row = new HashMap<>();
      for (int i = 1; i < header.length; i++) {
        if (!header[i].startsWith("check:")) {
          row.put(header[i], cells[i]);
        }
      }
      actual.put(cells[0], row);
    }
    Map<String, Map<String, String>> wanted = new HashMap<>();
    for (String line : expected.strip().split("\n")) {
      String[] words = line.trim().split("\\s+");
      Map<String, String> row = new HashMap<>();
      int total = 0;
      for (int i = 2; i < words.length; i++) {
        String[] kv = words[i].split("=");
        row.put(kv[0], kv[1]);
        total += Integer.parseInt(kv[1]);
      }
      for (int i = 3; i < header.length; i++) {
        if (!header[i].startsWith("check:")) {
          row.putIfAbsent(header[i], "0");
        }
      }
      row.put("enforce", words[1]);
      row.put("total", Integer.toString(total));
      wanted.put(words[0], row);
    }
    if (!wanted.containsKey("TOTAL")) {
      actual.remove("TOTAL");
    }
    assertThat(actual).as("requiretls-report output:\n" + r.out()).isEqualTo(wanted);
  }

  @Test
  void receiveOnly_requireTlsAccepted_smtpAndLmtpDeliverOpportunistically() throws Exception {
    start("receive-only", RECEIVE_ONLY);

    String id =
        Submit.requireTls(postern, pki.caCert(), SENDER, "r1@old.test", "receive-only smtp", "over TLS");
    String toOld = awaitFinal("r1@old.test");
    String toPlain = deliver("r1@plain.test", "receive-only plain", true);
    String toStore = deliver("alice@mailbox.corp.test", "receive-only lmtp", true);
    String headerOnly =
        deliver("r2@old.test", "receive-only header", false, "Require-TLS-ESMTP: yes");

    assertThat(toOld).contains(id + ": ").contains("tls=may/requiretls:none, dsn=2.0.0, status=sent");
    AiosmtpdPeer.Message m = received(old, "receive-only smtp");
    assertThat(m.tls()).isTrue();
    assertThat(m.requireTls()).isFalse();
    assertThat(m.text()).doesNotContain("Require-TLS-ESMTP");
    assertThat(toPlain).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(received(plain, "receive-only plain").tls()).isFalse();
    assertThat(toStore).contains("/lmtp[").contains("tls=none/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(store.stored("alice", "receive-only lmtp")).hasSize(1);
    // requiretls_esmtp_header = no: the header is not a request for REQUIRETLS.
    assertThat(headerOnly).contains("tls=may, dsn=2.0.0, status=sent");
    assertThat(policy("smtp", "good.test")).startsWith("good.test: opportunistic");
    assertThat(policy("lmtp", "127.0.64.16")).startsWith("127.0.64.16: opportunistic");

    assertReport(
        """
            old.test           fail  requiretls:none=1
            plain.test         fail  requiretls:none=1
            mailbox.corp.test  fail  requiretls:none=1
            TOTAL              0/3  requiretls:none=3
        """);
  }

  @Test
  void internalDefaults_localNamesIpLiteralsAndLmtpOpportunistic_othersEnforced() throws Exception {
    start("internal-defaults", INTERNAL_DEFAULTS);

    String toCorp = deliver("i1@corp.test", "internal corp", true);
    String toLiteral = deliver("i1@[127.0.64.15]", "internal literal", true);
    String toStore = deliver("bob@mailbox.corp.test", "internal lmtp", true);
    int oldConnections = old.connectionCount();
    String toOld = deliver("i1@old.test", "internal external", true);

    assertThat(toCorp).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    AiosmtpdPeer.Message m = received(internal, "internal corp");
    assertThat(m.requireTls()).isFalse();
    assertThat(m.text()).contains("Require-TLS-ESMTP: yes");
    assertThat(toLiteral).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(received(literal, "internal literal").text()).contains("Require-TLS-ESMTP: yes");
    assertThat(toStore).contains("/lmtp[").contains("tls=none/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(store.stored("bob", "internal lmtp")).singleElement().asString().contains("Require-TLS-ESMTP: yes");
    // The list has no final action: a domain no item matches gets enforce, and "may" cannot meet it.
    assertThat(toOld).contains("tls=may?/!requiretls:nocertmatch, dsn=5.7.10, status=bounced");
    assertThat(old.connectionCount()).as("connections to the skipped MX").isEqualTo(oldConnections);
    assertThat(policy("smtp", "corp.test")).startsWith("corp.test: opportunistic (inline:");
    assertThat(policy("smtp", "mx.corp.test")).startsWith("mx.corp.test: opportunistic (inline:");
    assertThat(policy("smtp", "127.0.64.15")).startsWith("127.0.64.15: opportunistic (cidr:");
    assertThat(policy("smtp", "old.test")).startsWith("old.test: enforce");

    assertReport(
        """
            corp.test          fail  requiretls:none=1
            [127.0.64.15]      fail  requiretls:none=1
            mailbox.corp.test  fail  requiretls:none=1
            old.test           fail  !requiretls:nocertmatch=1
        """);
  }

  @Test
  void externalDefaults_enforceNeedsCertificateMatchAndRequireTlsAnnounced() throws Exception {
    start("external-defaults", EXTERNAL_DEFAULTS.replace("# smtp_tls_policy_maps = ...dane/sts plugin...", POLICY_PLUGIN_STAND_IN));

    String toGood = deliver("e1@good.test", "external good", true);
    int oldMails = old.mails().size();
    String toOld = deliver("e1@old.test", "external old", true);
    int oldMailsAfter = old.mails().size();
    int plainConnections = plain.connectionCount();
    String toPlain = deliver("e1@plain.test", "external plain", true);
    int plainConnectionsAfter = plain.connectionCount();
    String toCorp = deliver("e1@corp.test", "external corp", true);
    String toLiteral = deliver("e2@[127.0.64.15]", "external literal", true);
    String ordinary = deliver("e2@plain.test", "external ordinary", false);

    assertThat(toGood).contains("tls=secure/requiretls, dsn=2.0.0, status=sent");
    AiosmtpdPeer.Message m = received(good, "external good");
    assertThat(m.tls()).isTrue();
    assertThat(m.requireTls()).isTrue();
    assertThat(toOld).contains("tls=secure/!requiretls:none, dsn=5.7.30, status=bounced");
    assertThat(oldMailsAfter).as("MAIL FROM to a server without REQUIRETLS under enforce").isEqualTo(oldMails);
    assertThat(toPlain).contains("tls=may?/!requiretls:nocertmatch, dsn=5.7.10, status=bounced");
    assertThat(plainConnectionsAfter).as("connections to the skipped MX").isEqualTo(plainConnections);
    assertThat(toCorp).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(received(internal, "external corp").requireTls()).isFalse();
    assertThat(toLiteral).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    // A message that did not ask for REQUIRETLS is not affected by the policy.
    assertThat(ordinary).contains("tls=may:none, dsn=2.0.0, status=sent");
    assertThat(policy("smtp", "good.test")).startsWith("good.test: enforce (policy item: enforce)");

    assertReport(
        """
            good.test      pass  requiretls=1
            old.test       fail  !requiretls:none=1
            plain.test     fail  !requiretls:nocertmatch=1
            corp.test      fail  requiretls:none=1
            [127.0.64.15]  fail  requiretls:none=1
            TOTAL          1/5   requiretls=1 !requiretls:none=1 !requiretls:nocertmatch=1 requiretls:none=2
        """);
  }

  @Test
  void relaxedExternal_opportunisticStarttls_needsStarttlsOnly() throws Exception {
    start("relaxed-external", RELAXED_EXTERNAL);

    String toGood = deliver("x1@good.test", "relaxed good", true);
    String toOld = deliver("x1@old.test", "relaxed old", true);
    int plainMails = plain.mails().size();
    String toPlain = deliver("x1@plain.test", "relaxed plain", true);
    int plainMailsAfter = plain.mails().size();
    String toLiteral = deliver("x1@[127.0.64.15]", "relaxed literal", true);

    assertThat(toGood).contains("tls=may/requiretls:nocertmatch, dsn=2.0.0, status=sent");
    assertThat(received(good, "relaxed good").requireTls()).as("REQUIRETLS sent where announced").isTrue();
    assertThat(toOld).contains("tls=may/requiretls:none, dsn=2.0.0, status=sent");
    AiosmtpdPeer.Message m = received(old, "relaxed old");
    assertThat(m.tls()).isTrue();
    assertThat(m.requireTls()).isFalse();
    assertThat(toPlain).contains("tls=may?/!requiretls:nostarttls, dsn=5.7.30, status=bounced");
    assertThat(plainMailsAfter).as("MAIL FROM in plaintext under opportunistic+starttls").isEqualTo(plainMails);
    assertThat(toLiteral).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(policy("smtp", "plain.test")).startsWith("plain.test: opportunistic+starttls (policy item:");

    assertReport(
        """
            good.test      fail  requiretls:nocertmatch=1
            old.test       fail  requiretls:none=1
            plain.test     fail  !requiretls:nostarttls=1
            [127.0.64.15]  fail  requiretls:none=1
        """);
  }

  @Test
  void discoveryExperiment_opportunisticEverywhere_tlsFieldShowsWhatWouldPass() throws Exception {
    start("discovery", DISCOVERY + POLICY_PLUGIN_STAND_IN.replace(" { old.test = secure }", "") + "\n");

    String toGood = deliver("d1@good.test", "discovery good", true);
    String toSub = deliver("d1@sub.good.test", "discovery sub", true);
    String toOld = deliver("d1@old.test", "discovery old", true);
    String toOld2 = deliver("d2@old.test", "discovery old 2", true);
    String toPlain = deliver("d1@plain.test", "discovery plain", true);

    assertThat(toGood).contains("tls=secure/requiretls, dsn=2.0.0, status=sent");
    assertThat(received(good, "discovery good").requireTls()).isTrue();
    assertThat(toSub).contains("tls=may/requiretls:nocertmatch, dsn=2.0.0, status=sent");
    assertThat(received(good, "discovery sub").requireTls()).isTrue();
    assertThat(toOld).contains("tls=may/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(toOld2).contains("tls=may/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(toPlain).contains("tls=may:none/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(received(plain, "discovery plain").tls()).isFalse();

    assertReport(
        """
            good.test      pass  requiretls=1
            sub.good.test  fail  requiretls:nocertmatch=1
            old.test       fail  requiretls:none=2
            plain.test     fail  requiretls:none=1
            TOTAL          1/4  requiretls=1 requiretls:nocertmatch=1 requiretls:none=3
        """);
  }

  @Test
  void perSiteTable_lmdbBuiltByPostmap_decidesBetweenCidrAndFinalAction() throws Exception {
    Path table = Files.createDirectories(dir.resolve("per-site")).resolve("requiretls-per-site");
    Files.writeString(table, "old.test            opportunistic+starttls\n.good.test          opportunistic\n");
    String perSite =
        EXTERNAL_DEFAULTS.replace("\n    enforce\n", "\n    lmdb:" + table + "\n    enforce\n");
    assertThat(perSite).contains("lmdb:" + table);
    create("per-site", perSite);
    PosternInstance.Result postmap = postern.command("postmap", "lmdb:" + table);
    assertThat(postmap.status()).as("postmap: " + postmap.err()).isZero();
    assertThat(Files.exists(Path.of(table + ".lmdb"))).isTrue();
    postern.startAndAwaitSmtp();

    String toOld = deliver("s1@old.test", "per-site old", true);
    String toSub = deliver("s1@sub.good.test", "per-site sub", true);
    String toGood = deliver("s1@good.test", "per-site good", true);
    String toPlain = deliver("s1@plain.test", "per-site plain", true);

    assertThat(toOld).contains("tls=may/requiretls:none, dsn=2.0.0, status=sent");
    assertThat(received(old, "per-site old").tls()).isTrue();
    assertThat(toSub).contains("tls=may/requiretls:nocertmatch, dsn=2.0.0, status=sent");
    assertThat(toGood).contains("tls=may?/!requiretls:nocertmatch, dsn=5.7.10, status=bounced");
    assertThat(toPlain).contains("tls=may?/!requiretls:nocertmatch, dsn=5.7.10, status=bounced");
    assertThat(policy("smtp", "old.test")).isEqualTo("old.test: opportunistic+starttls (lmdb:" + table + ": old.test)");
    assertThat(policy("smtp", "sub.good.test")).isEqualTo("sub.good.test: opportunistic (lmdb:" + table + ": .good.test)");
    assertThat(policy("smtp", "good.test")).isEqualTo("good.test: enforce (policy item: enforce)");

    assertReport(
        """
            old.test       fail  requiretls:none=1
            sub.good.test  fail  requiretls:nocertmatch=1
            good.test      fail  !requiretls:nocertmatch=1
            plain.test     fail  !requiretls:nocertmatch=1
        """);
  }
}
