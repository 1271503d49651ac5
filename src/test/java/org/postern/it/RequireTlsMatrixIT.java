package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The REQUIRETLS policy matrix of REQUIRETLS.md §3 and the {@code tls=} logging of §4, end to
 * end: one Postern sends to MX hosts on 127.0.62.x:25, found through a validating unbound (the signed {@code test.} zone of {@link
 * DnssecWorld#signedTest}, since RFC 8689 asks {@code enforce} for a secure MX lookup), each
 * playing one server behaviour: aiosmtpd without STARTTLS, with STARTTLS only, with STARTTLS and
 * REQUIRETLS (matching certificate, or one for another name), one that drops the connection at
 * EHLO, Debian's Postfix 3.7 (STARTTLS, no REQUIRETLS) and a second Postern (REQUIRETLS).
 *
 * <p>Every case has its own destination domain, so one {@code smtp_requiretls_policy} and one
 * {@code smtp_tls_policy_maps} (inline tables keyed by domain) give each its action and TLS level,
 * and all messages are submitted at once. Per case the test checks the delivery outcome and
 * status code, whether the server saw {@code REQUIRETLS} on MAIL FROM (or any MAIL FROM at all),
 * and the exact {@code tls=} field of the status line.
 */
class RequireTlsMatrixIT {
  private static final Duration LIMIT = Duration.ofSeconds(180);

  private static final String ENFORCE = "enforce";
  private static final String STARTTLS = "opportunistic+starttls";
  private static final String OPPORTUNISTIC = "opportunistic";
  private static final String DISABLE = "disable";
  /** The "action" of a message that did not ask for REQUIRETLS. */
  private static final String NO_REQUIRETLS = "-";

  /** Server behaviours, each a host in the {@code peers.test} zone on its own address. */
  enum Mx {
    PLAIN("plain", "127.0.62.11"),
    STARTTLS_ONLY("starttls", "127.0.62.12"),
    REQUIRETLS("requiretls", "127.0.62.13"),
    WRONG_CERT("wrongcert", "127.0.62.14"),
    POSTFIX("postfix", "127.0.62.15"),
    POSTERN("postern", "127.0.62.16"),
    CLOSES_AT_EHLO("closes", "127.0.62.17"),
    /** REQUIRETLS with a matching certificate, for destinations that must never be contacted. */
    UNTOUCHED("untouched", "127.0.62.18"),
    /** STARTTLS only: the first MX of the fall-through destination. */
    FIRST("first", "127.0.62.19");

    final String label;
    final String address;

    Mx(String label, String address) {
      this.label = label;
      this.address = address;
    }

    String hostname() {
      return label + ".peers.test";
    }
  }

  enum Outcome {
    SENT,
    DEFERRED,
    BOUNCED;

    String logged() {
      return name().toLowerCase();
    }
  }

  /**
   * One delivery: the message asks for REQUIRETLS under {@code action} (or not, {@code -}) to a
   * destination at TLS {@code level} served by {@code mx} (in MX preference order); expected are
   * the {@code outcome} with {@code dsn}, REQUIRETLS on MAIL FROM at the server that took it, the
   * {@code tls=} field, and the server that took it.
   */
  record Case(
      String action, String level, List<Mx> mx, Outcome outcome, String dsn, boolean requireTlsSent,
      String tls) {
    String id() {
      String a = action.equals(NO_REQUIRETLS) ? "plainmsg" : action.replace('+', '-');
      return a + "-" + level + "-" + mx.stream().map(m -> m.label).collect(Collectors.joining("-"));
    }

    String domain() {
      return id() + ".matrix.test";
    }

    String sender() {
      return id() + "@senders.test";
    }

    String recipient() {
      return "rcpt@" + domain();
    }

    boolean requireTls() {
      return !action.equals(NO_REQUIRETLS);
    }

    /** The server that took the message: the last MX tried. */
    Mx deliveredTo() {
      return mx.getLast();
    }

    /** Whether the session that carried the message used TLS, from the first {@code tls=} feature. */
    boolean tlsUsed() {
      String first = tls.split("/")[0];
      return !first.equals("none") && !first.endsWith(":none");
    }

    @Override
    public String toString() {
      return (requireTls() ? action : "no REQUIRETLS") + " @" + level + " -> "
          + mx.stream().map(m -> m.label).collect(Collectors.joining(", then "))
          + ": " + outcome.logged() + " " + dsn + " tls=" + tls
          + (requireTlsSent ? " (MAIL FROM ... REQUIRETLS)" : "");
    }
  }

  private static Case row(String action, String level, Mx mx, Outcome outcome, String dsn,
      boolean requireTlsSent, String tls) {
    return new Case(action, level, List.of(mx), outcome, dsn, requireTlsSent, tls);
  }

  private static final boolean SENT_REQUIRETLS = true;
  private static final boolean NOT_SENT = false;
  private static final Outcome SENT = Outcome.SENT;
  private static final Outcome DEFERRED = Outcome.DEFERRED;
  private static final Outcome BOUNCED = Outcome.BOUNCED;

  /** REQUIRETLS.md §3, row by row, with each server behaviour; then §4's remaining examples. */
  static final List<Case> MATRIX =
      List.of(
          // enforce: STARTTLS, a certificate match and REQUIRETLS announced, else no mail.
          row(ENFORCE, "verify", Mx.PLAIN, BOUNCED, "5.7.30", NOT_SENT, "!verify/!requiretls:nostarttls"),
          row(ENFORCE, "verify", Mx.STARTTLS_ONLY, BOUNCED, "5.7.30", NOT_SENT, "verify/!requiretls:none"),
          row(ENFORCE, "verify", Mx.REQUIRETLS, SENT, "2.0.0", SENT_REQUIRETLS, "verify/requiretls"),
          row(ENFORCE, "verify", Mx.WRONG_CERT, BOUNCED, "5.7.10", NOT_SENT, "!verify/!requiretls:nocertmatch"),
          row(ENFORCE, "verify", Mx.POSTFIX, BOUNCED, "5.7.30", NOT_SENT, "verify/!requiretls:none"),
          row(ENFORCE, "verify", Mx.POSTERN, SENT, "2.0.0", SENT_REQUIRETLS, "verify/requiretls"),
          row(ENFORCE, "verify", Mx.CLOSES_AT_EHLO, DEFERRED, "4.4.2", NOT_SENT, "verify?/requiretls?"),
          // opportunistic+starttls: STARTTLS required; REQUIRETLS sent when announced.
          row(STARTTLS, "may", Mx.PLAIN, BOUNCED, "5.7.30", NOT_SENT, "may?/!requiretls:nostarttls"),
          row(STARTTLS, "may", Mx.STARTTLS_ONLY, SENT, "2.0.0", NOT_SENT, "may/requiretls:none"),
          row(STARTTLS, "may", Mx.REQUIRETLS, SENT, "2.0.0", SENT_REQUIRETLS, "may/requiretls:nocertmatch"),
          row(STARTTLS, "may", Mx.WRONG_CERT, SENT, "2.0.0", SENT_REQUIRETLS, "may/requiretls:nocertmatch"),
          row(STARTTLS, "may", Mx.POSTFIX, SENT, "2.0.0", NOT_SENT, "may/requiretls:none"),
          row(STARTTLS, "may", Mx.POSTERN, SENT, "2.0.0", SENT_REQUIRETLS, "may/requiretls:nocertmatch"),
          row(STARTTLS, "may", Mx.CLOSES_AT_EHLO, DEFERRED, "4.4.2", NOT_SENT, "may?/requiretls?"),
          // opportunistic: plaintext allowed; REQUIRETLS sent after STARTTLS when announced.
          row(OPPORTUNISTIC, "may", Mx.PLAIN, SENT, "2.0.0", NOT_SENT, "may:none/requiretls:none"),
          row(OPPORTUNISTIC, "may", Mx.STARTTLS_ONLY, SENT, "2.0.0", NOT_SENT, "may/requiretls:none"),
          row(OPPORTUNISTIC, "may", Mx.REQUIRETLS, SENT, "2.0.0", SENT_REQUIRETLS, "may/requiretls:nocertmatch"),
          row(OPPORTUNISTIC, "may", Mx.WRONG_CERT, SENT, "2.0.0", SENT_REQUIRETLS, "may/requiretls:nocertmatch"),
          row(OPPORTUNISTIC, "may", Mx.POSTFIX, SENT, "2.0.0", NOT_SENT, "may/requiretls:none"),
          row(OPPORTUNISTIC, "may", Mx.POSTERN, SENT, "2.0.0", SENT_REQUIRETLS, "may/requiretls:nocertmatch"),
          row(OPPORTUNISTIC, "may", Mx.CLOSES_AT_EHLO, DEFERRED, "4.4.2", NOT_SENT, "may?/requiretls?"),
          // disable: as if REQUIRETLS had not been asked for (Postfix 3.12 logs no second
          // feature either); never sent.
          row(DISABLE, "may", Mx.PLAIN, SENT, "2.0.0", NOT_SENT, "may:none"),
          row(DISABLE, "may", Mx.STARTTLS_ONLY, SENT, "2.0.0", NOT_SENT, "may"),
          row(DISABLE, "may", Mx.REQUIRETLS, SENT, "2.0.0", NOT_SENT, "may"),
          row(DISABLE, "may", Mx.WRONG_CERT, SENT, "2.0.0", NOT_SENT, "may"),
          row(DISABLE, "may", Mx.POSTFIX, SENT, "2.0.0", NOT_SENT, "may"),
          row(DISABLE, "may", Mx.POSTERN, SENT, "2.0.0", NOT_SENT, "may"),
          row(DISABLE, "may", Mx.CLOSES_AT_EHLO, DEFERRED, "4.4.2", NOT_SENT, "may?"),
          // The relaxed actions with a certificate-matching level.
          row(OPPORTUNISTIC, "verify", Mx.REQUIRETLS, SENT, "2.0.0", SENT_REQUIRETLS, "verify/requiretls"),
          // A level failure REQUIRETLS does not forbid stays the level's deferral.
          row(STARTTLS, "verify", Mx.WRONG_CERT, DEFERRED, "4.7.5", NOT_SENT, "!verify/requiretls:nocertmatch"),
          // Levels that cannot meet the action: skipped without connecting.
          row(ENFORCE, "may", Mx.UNTOUCHED, BOUNCED, "5.7.10", NOT_SENT, "may?/!requiretls:nocertmatch"),
          row(ENFORCE, "encrypt", Mx.UNTOUCHED, BOUNCED, "5.7.10", NOT_SENT, "encrypt?/!requiretls:nocertmatch"),
          row(ENFORCE, "none", Mx.UNTOUCHED, BOUNCED, "5.7.10", NOT_SENT, "none?/!requiretls:nocertmatch"),
          row(STARTTLS, "none", Mx.UNTOUCHED, BOUNCED, "5.7.10", NOT_SENT, "none?/!requiretls:noencryption"),
          // The first MX fails the requirement, the second meets it.
          new Case(ENFORCE, "verify", List.of(Mx.FIRST, Mx.REQUIRETLS), SENT, "2.0.0",
              SENT_REQUIRETLS, "verify/requiretls"),
          // Messages without REQUIRETLS: the level alone, no second feature.
          row(NO_REQUIRETLS, "none", Mx.STARTTLS_ONLY, SENT, "2.0.0", NOT_SENT, "none"),
          row(NO_REQUIRETLS, "may", Mx.PLAIN, SENT, "2.0.0", NOT_SENT, "may:none"),
          row(NO_REQUIRETLS, "may", Mx.STARTTLS_ONLY, SENT, "2.0.0", NOT_SENT, "may"),
          row(NO_REQUIRETLS, "may", Mx.CLOSES_AT_EHLO, DEFERRED, "4.4.2", NOT_SENT, "may?"),
          row(NO_REQUIRETLS, "verify", Mx.REQUIRETLS, SENT, "2.0.0", NOT_SENT, "verify"));

  @TempDir static Path dir;
  private static DnssecWorld unbound;
  private static final Map<Mx, AiosmtpdPeer> peers = new EnumMap<>(Mx.class);
  private static PostfixServer postfix;
  private static PosternInstance receiver;
  private static PosternInstance postern;
  /** Case id to the queue id the sending Postern gave the message. */
  private static final Map<String, String> queueIds = new HashMap<>();

  static Stream<Case> matrix() {
    return MATRIX.stream();
  }

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    unbound = DnssecWorld.signedTest(dir.resolve("dns"), zone());
    for (Mx mx : List.of(Mx.PLAIN, Mx.CLOSES_AT_EHLO)) {
      peers.put(mx, AiosmtpdPeer.start(dir, mx.address, 25,
          mx == Mx.CLOSES_AT_EHLO ? new String[] {"--close-at-ehlo"} : new String[0]));
    }
    for (Mx mx : List.of(Mx.STARTTLS_ONLY, Mx.FIRST)) {
      peers.put(mx, tlsPeer(pki, mx, mx.hostname()));
    }
    for (Mx mx : List.of(Mx.REQUIRETLS, Mx.UNTOUCHED)) {
      peers.put(mx, tlsPeer(pki, mx, mx.hostname(), "--requiretls"));
    }
    peers.put(Mx.WRONG_CERT, tlsPeer(pki, Mx.WRONG_CERT, "elsewhere.example", "--requiretls"));
    postfix = PostfixServer.start(dir, dir.resolve("postfix"), Mx.POSTFIX.hostname(),
        domainsServedBy(Mx.POSTFIX), pki.server(Mx.POSTFIX.hostname()), Mx.POSTFIX.address,
        Map.of(25, true));
    receiver = startReceiver(pki);
    postern = startSender(pki);
    submitAll(pki.caCert());
  }

  @AfterAll
  static void stop() throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    all.add(postern);
    all.add(receiver);
    all.add(postfix == null ? null : postfix::stop);
    all.addAll(peers.values());
    all.add(unbound);
    Exception first = null;
    for (AutoCloseable c : all) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static AiosmtpdPeer tlsPeer(TestPki pki, Mx mx, String certName, String... more)
      throws Exception {
    List<Path> cert = pki.server(certName);
    List<String> options = new ArrayList<>(List.of("--tls", cert.get(0).toString(), cert.get(1).toString()));
    options.addAll(List.of(more));
    return AiosmtpdPeer.start(dir, mx.address, 25, options.toArray(String[]::new));
  }

  private static List<String> zone() {
    List<String> records = new ArrayList<>();
    for (Mx mx : Mx.values()) {
      records.add(mx.hostname() + ". 300 IN A " + mx.address);
    }
    for (Case c : MATRIX) {
      for (int i = 0; i < c.mx().size(); i++) {
        records.add(c.domain() + ". 300 IN MX " + (10 * (i + 1)) + " " + c.mx().get(i).hostname() + ".");
      }
    }
    return records;
  }

  private static List<String> domainsServedBy(Mx mx) {
    return MATRIX.stream().filter(c -> c.mx().contains(mx)).map(Case::domain).toList();
  }

  /** Postern as a receiving MX host: REQUIRETLS announced after STARTTLS, queue left in incoming. */
  private static PosternInstance startReceiver(TestPki pki) throws Exception {
    List<Path> cert = pki.server(Mx.POSTERN.hostname());
    PosternInstance p =
        PosternInstance.createReceiveOnly(
            dir.resolve("receiver"),
            String.join(
                "\n",
                "myhostname = " + Mx.POSTERN.hostname(),
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + cert.get(0),
                "smtpd_tls_key_file = " + cert.get(1),
                "requiretls_enable = yes",
                // Only MAIL FROM ... REQUIRETLS may mark a message here, not the sender's header.
                "requiretls_esmtp_header = no",
                ""));
    p.appendMasterCf(Mx.POSTERN.address + ":25 inet n - n - - smtpd");
    p.startAndAwaitSmtp();
    return p;
  }

  private static PosternInstance startSender(TestPki pki) throws Exception {
    List<Path> cert = pki.server("sender.client.test");
    PosternInstance p =
        PosternInstance.create(
            dir.resolve("sender"),
            String.join(
                "\n",
                "myhostname = sender.client.test",
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "defer_transports =",
                "postern_dns_resolver_address = " + unbound.address(),
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + cert.get(0),
                "smtpd_tls_key_file = " + cert.get(1),
                "smtp_tls_CAfile = " + pki.caCert(),
                "smtp_tls_security_level = may",
                // Bounces for the matrix's senders go nowhere.
                "transport_maps = inline:{ {senders.test = discard:} }",
                "smtp_requiretls_policy = " + inlineTable(c -> c.requireTls() ? c.action() : null),
                "smtp_tls_policy_maps = " + inlineTable(Case::level),
                ""));
    p.startAndAwaitSmtp();
    return p;
  }

  /** {@code inline:{ {domain = value} ... }} over the matrix, one entry per line. */
  private static String inlineTable(java.util.function.Function<Case, String> value) {
    return MATRIX.stream()
        .filter(c -> value.apply(c) != null)
        .map(c -> "    { " + c.domain() + " = " + value.apply(c) + " }")
        .collect(Collectors.joining("\n", "inline:{\n", " }"));
  }

  private static final String SMTPLIB_ALL =
      """
      import smtplib, ssl, sys
      port, cafile = int(sys.argv[1]), sys.argv[2]
      ctx = ssl.create_default_context(cafile=cafile)
      ctx.check_hostname = False
      with smtplib.SMTP("127.0.0.1", port, local_hostname="client.test") as c:
          c.ehlo()
          c.starttls(context=ctx)
          c.ehlo()
          for line in sys.stdin:
              case, sender, recipient, requiretls = line.split()
              code, reply = c.mail(sender, ["REQUIRETLS"] if requiretls == "yes" else [])
              assert code == 250, (case, code, reply)
              code, reply = c.rcpt(recipient)
              assert code == 250, (case, code, reply)
              message = "From: <%s>\\r\\nTo: <%s>\\r\\nSubject: matrix %s\\r\\n\\r\\n[case %s]\\r\\n" % (
                  sender, recipient, case, case)
              code, reply = c.data(message.encode())
              assert code == 250, (case, code, reply)
              print(case, reply.decode().split()[-1], flush=True)
      """;

  /** All cases in one smtplib session (STARTTLS, then MAIL FROM with or without REQUIRETLS). */
  private static void submitAll(Path caFile) throws Exception {
    Path script = dir.resolve("submit_all.py");
    Files.writeString(script, SMTPLIB_ALL, StandardCharsets.UTF_8);
    String input =
        MATRIX.stream()
            .map(c -> String.join(" ", c.id(), c.sender(), c.recipient(), c.requireTls() ? "yes" : "no"))
            .collect(Collectors.joining("\n", "", "\n"));
    PosternInstance.Result r =
        Commands.ok(
            List.of("/usr/bin/python3", script.toString(), Integer.toString(postern.smtpPort()), caFile.toString()),
            input,
            LIMIT);
    for (String line : r.out().lines().toList()) {
      String[] f = line.split(" ");
      queueIds.put(f[0], f[1]);
    }
    assertThat(queueIds).as("queue ids for every case").hasSize(MATRIX.size());
  }

  /** The sending Postern's status line for {@code c}. */
  private static String statusLine(Case c) throws InterruptedException {
    return postern.awaitLog(
        Pattern.compile("(" + queueIds.get(c.id()) + ": to=<" + Pattern.quote(c.recipient())
            + ">, .*status=(?:sent|deferred|bounced).*)"),
        LIMIT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  void requireTlsMessage_policyAndServer_outcomeMailFromAndTlsField(Case c) throws Exception {
    String line = statusLine(c);

    assertThat(line)
        .as("status line")
        .containsPattern(Pattern.compile(
            "delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+, tls=" + Pattern.quote(c.tls()) + ", dsn="
                + Pattern.quote(c.dsn()) + ", status=" + c.outcome().logged() + " "));
    if (c.outcome() == Outcome.SENT) {
      assertThat(line).contains("relay=" + c.deliveredTo().hostname() + "[" + c.deliveredTo().address + "]:25");
    }
    switch (c.deliveredTo()) {
      case POSTFIX -> assertPostfix(c);
      case POSTERN -> assertPostern(c, line);
      default -> assertAiosmtpd(c);
    }
  }

  /** aiosmtpd records every MAIL FROM: exactly one for a delivered case, none otherwise. */
  private static void assertAiosmtpd(Case c) throws InterruptedException {
    AiosmtpdPeer peer = peers.get(c.deliveredTo());
    if (c.outcome() != Outcome.SENT) {
      assertThat(mailsFrom(c)).as("MAIL FROM commands of " + c.sender() + " at any peer").isEmpty();
      return;
    }
    assertThat(Commands.await(Duration.ofSeconds(10), () -> messageFor(peer, c) != null))
        .as("message at " + c.deliveredTo())
        .isTrue();
    AiosmtpdPeer.Message m = messageFor(peer, c);
    assertThat(m.requireTls()).as("REQUIRETLS on MAIL FROM").isEqualTo(c.requireTlsSent());
    assertThat(m.tls()).as("delivered over TLS").isEqualTo(c.tlsUsed());
    assertThat(m.text()).contains("[case " + c.id() + "]");
    assertThat(mailsFrom(c)).as("MAIL FROM commands of " + c.sender()).hasSize(1);
  }

  private static AiosmtpdPeer.Message messageFor(AiosmtpdPeer peer, Case c) {
    return peer.messages().stream()
        .filter(m -> m.recipients().contains(c.recipient()))
        .findFirst()
        .orElse(null);
  }

  private static List<AiosmtpdPeer.Mail> mailsFrom(Case c) {
    String from = "FROM:<" + c.sender() + ">";
    return peers.values().stream()
        .flatMap(p -> p.mails().stream())
        .filter(m -> m.words().getFirst().equalsIgnoreCase(from))
        .toList();
  }

  /** Postfix 3.7 refuses {@code REQUIRETLS} (555); a stored message shows it was not sent. */
  private static void assertPostfix(Case c) throws Exception {
    String marker = "[case " + c.id() + "]";
    if (c.outcome() == Outcome.SENT) {
      assertThat(Commands.await(Duration.ofSeconds(30), () -> postfixHas(marker)))
          .as("message " + marker + " in Postfix's Maildir")
          .isTrue();
      assertThat(postfix.message(marker)).contains("Subject: matrix " + c.id());
    } else {
      assertThat(postfixHas(marker)).as("message " + marker + " in Postfix's Maildir").isFalse();
    }
    assertThat(postfix.log()).as("Postfix log").doesNotContain("REQUIRETLS");
  }

  private static boolean postfixHas(String marker) {
    try {
      return postfix.messages().stream().anyMatch(m -> m.contains(marker));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The receiving Postern keeps the message in incoming/, marked when MAIL FROM had REQUIRETLS. */
  private static void assertPostern(Case c, String line) throws Exception {
    if (c.outcome() != Outcome.SENT) {
      for (Path f : receiver.queueFiles("incoming")) {
        assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).doesNotContain(c.sender());
      }
      return;
    }
    Matcher m = Pattern.compile("queued as ([0-9A-Za-z]+)\\)").matcher(line);
    assertThat(m.find()).as("receiver's queue id in " + line).isTrue();
    String cat = receiver.postcat(m.group(1));
    assertThat(cat).contains(c.sender()).contains("[case " + c.id() + "]");
    if (c.requireTlsSent()) {
      assertThat(cat).contains("requiretls: yes\n");
    } else {
      assertThat(cat).doesNotContain("requiretls: yes");
    }
  }

  @Test
  void levelCannotMeetAction_untouchedServer_neverConnected() throws Exception {
    for (Case c : MATRIX) {
      if (c.mx().contains(Mx.UNTOUCHED)) {
        assertThat(statusLine(c)).contains("relay=none");
      }
    }
    assertThat(peers.get(Mx.UNTOUCHED).connectionCount()).as("connections to " + Mx.UNTOUCHED.hostname()).isZero();
  }

  @Test
  void fallThrough_firstMxWithoutRequireTls_connectedButNoMailFrom() throws Exception {
    Case c = MATRIX.stream().filter(k -> k.mx().size() == 2).findFirst().orElseThrow();
    statusLine(c);

    assertThat(peers.get(Mx.FIRST).connectionCount()).as("connections to " + Mx.FIRST.hostname()).isEqualTo(1);
    assertThat(peers.get(Mx.FIRST).mails()).as("MAIL FROM at " + Mx.FIRST.hostname()).isEmpty();
  }

  /** REQUIRETLS.md §4: every example of the field appears in a real status line. */
  @Test
  void maillog_everyTlsFieldExampleOfSection4_logged() throws Exception {
    for (Case c : MATRIX) {
      statusLine(c);
    }
    Set<String> logged = new LinkedHashSet<>();
    Matcher m = Pattern.compile(", tls=([^,]+), dsn=").matcher(postern.maillogText());
    while (m.find()) {
      logged.add(m.group(1));
    }
    Set<String> second = logged.stream().filter(t -> t.contains("/")).map(t -> t.substring(t.indexOf('/') + 1))
        .collect(Collectors.toSet());
    assertThat(second)
        .contains("requiretls", "requiretls:nocertmatch", "!requiretls:nocertmatch",
            "!requiretls:nostarttls", "!requiretls:noencryption", "!requiretls:none",
            "requiretls:none", "requiretls?");
    assertThat(logged).contains("none", "may", "may:none", "may?");
  }
}
