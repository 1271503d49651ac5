package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL_README's relay host on the submission port, with Debian's Postfix 3.7 as that relay host
 * and Postern and Postfix 3.12 as its two clients: both get the same main.cf ({@code relayhost =
 * [127.0.94.37]:587}, {@code smtp_sasl_auth_enable = yes}, one password table, {@code
 * smtp_tls_security_level = encrypt}). The relay host's smtpd authenticates through Debian's
 * Dovecot ({@code smtpd_sasl_type = dovecot}), offers AUTH only after STARTTLS ({@code
 * smtpd_tls_auth_only = yes}, a certificate from the test CA) and takes mail only from
 * authenticated clients ({@code smtpd_relay_restrictions = permit_sasl_authenticated, reject})
 * into its Maildir. The test reads each client's status line and what the relay host logged.
 *
 * <p>Cases, one recipient domain each, each its own port of the relay host: {@code good.test}
 * through the relay host (587) with the right password; {@code bad.test} through {@code
 * [127.0.94.37]:2587}, whose table entry has a wrong password; {@code plain.test} through {@code
 * [127.0.94.37]:3587}, where {@code smtp_tls_policy_maps} says {@code none}, so the relay host
 * announces no AUTH and refuses the recipient; {@code long.test} through {@code
 * [127.0.94.37]:4587} as a user with a 400-character password, whose PLAIN response waits for the
 * relay host's empty challenge because the AUTH line would pass 512 octets; {@code login.test}
 * through {@code [127.0.94.37]:5587} with transport {@code loginauth}, whose {@code
 * smtp_sasl_mechanism_filter = login} leaves LOGIN; {@code cram.test} through {@code
 * [127.0.94.37]:6587}, whose smtpd asks a second Dovecot that offers only CRAM-MD5.
 */
class SaslRelayhostPostfix37IT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final String RELAY = "127.0.94.37";
  private static final String POSTFIX312 = "127.0.94.38";
  private static final int GOOD = 587;
  private static final int BAD = 2587;
  private static final int PLAIN = 3587;
  private static final int LONG = 4587;
  private static final int LOGIN = 5587;
  /** The port whose smtpd asks a Dovecot that offers only CRAM-MD5. */
  private static final int CRAM = 6587;
  /** A transport that keeps only LOGIN of the relay host's AUTH list, in both clients. */
  private static final String LOGIN_TRANSPORT =
      "loginauth unix - - n - - smtp\n  -o smtp_sasl_mechanism_filter=login";
  /** Long enough that AUTH PLAIN with the initial response would pass 512 octets. */
  private static final String LONG_PASSWORD = "x".repeat(400);

  @TempDir static Path dir;
  private static DovecotAuth dovecot;
  private static DovecotAuth dovecotCram;
  private static PostfixServer relay;
  private static PosternInstance postern;
  private static Postfix312Instance postfix;
  private static int postfixPort;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    dovecot = DovecotAuth.start(dir, List.of("alice:{PLAIN}secret", "bob:{PLAIN}" + LONG_PASSWORD));
    dovecotCram = DovecotAuth.start(dir.resolve("cram"), List.of("carol:{PLAIN}carolpw"), "cram-md5");
    TestPki pki = TestPki.create(dir.resolve("pki"));
    relay = startRelay(pki);
    startClients(pki);
  }

  /** The relay host: Debian's Postfix 3.7 with both Dovecots, AUTH only after STARTTLS. */
  private static PostfixServer startRelay(TestPki pki) throws Exception {
    Map<Integer, Boolean> listeners = new LinkedHashMap<>();
    for (int port : new int[] {GOOD, BAD, PLAIN, LONG, LOGIN}) {
      listeners.put(port, true);
    }
    return PostfixServer.start(
            dir, dir.resolve("relay"), "relay.peer.test",
            List.of("good.test", "bad.test", "plain.test", "long.test", "login.test", "cram.test"),
            pki.server("relay.peer.test"), RELAY, listeners,
            List.of(
                "smtpd_sasl_type = dovecot",
                "smtpd_sasl_path = " + dovecot.socket(),
                "smtpd_sasl_auth_enable = yes",
                "smtpd_tls_auth_only = yes",
                // Verbose smtpd logs for the clients: the dialogue, to see where AUTH came.
                "debug_peer_list = 127.0.0.1",
                "smtpd_relay_restrictions = permit_sasl_authenticated, reject"),
            List.of(
                RELAY + ":" + CRAM + " inet n - n - - smtpd",
                "  -o smtpd_sasl_path=" + dovecotCram.socket()));
  }

  /** Postern and Postfix 3.12 with the same main.cf and the same extra transport. */
  private static void startClients(TestPki pki) throws Exception {
    Path tables = Files.createDirectories(dir.resolve("tables"));
    Files.setPosixFilePermissions(tables, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path passwords =
        table(
            tables.resolve("sasl_passwd"),
            nexthop(GOOD) + " alice:secret",
            nexthop(BAD) + " alice:not-the-password",
            nexthop(PLAIN) + " alice:secret",
            nexthop(LONG) + " bob:" + LONG_PASSWORD,
            nexthop(LOGIN) + " alice:secret",
            nexthop(CRAM) + " carol:carolpw");
    Path transport =
        table(
            tables.resolve("transport"),
            "bad.test smtp:" + nexthop(BAD),
            "plain.test smtp:" + nexthop(PLAIN),
            "long.test smtp:" + nexthop(LONG),
            "login.test loginauth:" + nexthop(LOGIN),
            "cram.test smtp:" + nexthop(CRAM));
    Path policy = table(tables.resolve("tls_policy"), nexthop(PLAIN) + " none");
    String mainCf =
        String.join(
            "\n",
            "mydestination = localhost",
            "mynetworks = 127.0.0.0/8",
            "relayhost = " + nexthop(GOOD),
            "transport_maps = texthash:" + transport,
            "smtp_sasl_auth_enable = yes",
            "smtp_sasl_password_maps = texthash:" + passwords,
            "smtp_sasl_security_options = noanonymous",
            "smtp_tls_security_level = encrypt",
            "smtp_tls_policy_maps = texthash:" + policy,
            "smtp_tls_CAfile = " + pki.caCert(),
            "");
    postern =
        PosternInstance.create(
            dir.resolve("postern"), "myhostname = client.test\ndefer_transports =\n" + mainCf);
    postern.appendMasterCf(LOGIN_TRANSPORT);
    postern.startAndAwaitSmtp();
    postfixPort = PosternInstance.freePort();
    postfix =
        Postfix312Instance.startDelivering(
            dir, dir.resolve("postfix312"), POSTFIX312, postfixPort,
            "myhostname = client312.test\n" + mainCf);
    postfix.appendMasterCf(LOGIN_TRANSPORT);
  }

  private static String nexthop(int port) {
    return "[" + RELAY + "]:" + port;
  }

  private static Path table(Path path, String... lines) throws Exception {
    Files.write(path, List.of(lines));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
    return path;
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix, relay::stop, dovecot, dovecotCram}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /**
   * Submits mail from each client's own local part to {@code domain} and waits for both status
   * lines with {@code status}; returns them (Postern's, then Postfix 3.12's) from {@code relay=}
   * on, without the timings, BDAT's byte count and the relay host's queue id.
   */
  private static List<String> deliver(String domain, String status) throws Exception {
    String subject = "Subject: sasl " + domain;
    Submit.swaks(postern, "sender@client.test", "postern@" + domain, "--header", subject);
    Commands.ok(
        List.of(
            "swaks", "--server", POSTFIX312 + ":" + postfixPort, "--ehlo", "client.test",
            "--from", "sender@client.test", "--to", "postfix@" + domain, "--header", subject),
        null,
        LIMIT);
    return List.of(
        statusLine(postern.awaitLog(line("postern@" + domain, status), LIMIT)),
        statusLine(awaitPostfix312Log(line("postfix@" + domain, status))));
  }

  private static Pattern line(String recipient, String status) {
    return Pattern.compile(
        "to=<" + Pattern.quote(recipient) + ">, (relay=.*status=" + status + " .*)");
  }

  private static String statusLine(String line) {
    return line.replaceAll("delay=[0-9.]+, delays=[0-9./]+, ", "")
        .replaceAll("(\\d+ bytes )?queued as [0-9A-Za-z]+", "queued as QID");
  }

  private static String awaitPostfix312Log(Pattern pattern) throws InterruptedException {
    String[] found = new String[1];
    boolean logged =
        Commands.await(
            LIMIT,
            () -> {
              var m = pattern.matcher(postfix.log());
              return m.find() && (found[0] = m.group(1)) != null;
            });
    assertThat(logged).as(pattern + " in Postfix 3.12's log:\n" + postfix.log()).isTrue();
    return found[0];
  }

  /** What the relay host logged about the session that queued the message for {@code rcpt}. */
  private static String relayedWith(String rcpt) throws InterruptedException {
    String queueId =
        relay.awaitLog(
            Pattern.compile("([0-9A-F]+): to=<" + Pattern.quote(rcpt) + ">, relay=virtual, .*status=sent"),
            LIMIT);
    return relay.awaitLog(
        Pattern.compile(queueId + ": client=\\S+, (sasl_method=\\S+, sasl_username=\\S+)"), LIMIT);
  }

  /**
   * The relay host's verbose smtpd log reduced to its dialogue lines ({@code < command}, {@code >
   * reply}), one smtpd process after the other: concurrent sessions interleave in the log.
   */
  private static String dialogue() {
    Map<String, StringBuilder> byProcess = new LinkedHashMap<>();
    Pattern line = Pattern.compile("/smtpd\\[(\\d+)\\]: ([<>]) \\S+: (.*)");
    for (String l : relay.log().lines().toList()) {
      var m = line.matcher(l);
      if (m.find()) {
        byProcess.computeIfAbsent(m.group(1), pid -> new StringBuilder())
            .append(m.group(2)).append(' ').append(m.group(3)).append('\n');
      }
    }
    return String.join("", byProcess.values());
  }

  /** In every smtpd session of the relay host's log, any AUTH command follows a STARTTLS. */
  private static void assertAuthOnlyAfterStarttls() {
    Map<String, Boolean> tls = new LinkedHashMap<>();
    int auths = 0;
    for (String line : relay.log().lines().toList()) {
      var m = Pattern.compile("smtpd\\[(\\d+)\\]: (?:connect from|< \\S+: (STARTTLS|AUTH)\\b)").matcher(line);
      if (!m.find()) {
        continue;
      }
      if (m.group(2) == null) {
        tls.put(m.group(1), false);
      } else if (m.group(2).equals("STARTTLS")) {
        tls.put(m.group(1), true);
      } else {
        auths++;
        assertThat(tls.get(m.group(1))).as("STARTTLS before: " + line).isTrue();
      }
    }
    assertThat(auths).as("AUTH commands in:\n" + relay.log()).isPositive();
  }

  @Test
  void correctPassword_authenticatedAfterStarttls_storedByRelayhost() throws Exception {
    List<String> lines = deliver("good.test", "sent");
    assertThat(lines.get(0))
        .isEqualTo(lines.get(1))
        .isEqualTo(
            "relay=" + RELAY + "[" + RELAY + "]:" + GOOD + ", tls=encrypt, dsn=2.0.0, status=sent"
                + " (250 2.0.0 Ok: queued as QID)");
    assertThat(relayedWith("postern@good.test"))
        .isEqualTo(relayedWith("postfix@good.test"))
        .isEqualTo("sasl_method=PLAIN, sasl_username=alice");
    assertAuthOnlyAfterStarttls();
    // ESMTPSA: RFC 3848's name for SMTP with STARTTLS and AUTH.
    assertThat(relay.messages().stream().filter(m -> m.contains("Subject: sasl good.test")))
        .hasSize(2)
        .allSatisfy(m -> assertThat(m).containsPattern("\\(using TLSv1\\.[23] ").contains("with ESMTPSA id"));
  }

  @Test
  void wrongPassword_deferredWithRelayhostReply() throws Exception {
    List<String> lines = deliver("bad.test", "deferred");
    assertThat(lines.get(0))
        .isEqualTo(lines.get(1))
        .isEqualTo(
            "relay=" + RELAY + "[" + RELAY + "]:" + BAD + ", tls=encrypt, dsn=4.7.8, status=deferred"
                + " (SASL authentication failed; server " + RELAY + "[" + RELAY + "] said: 535 5.7.8"
                + " Error: authentication failed: (reason unavailable))");
    relay.awaitLog(
        Pattern.compile("warning: \\S+: SASL PLAIN authentication failed: \\(reason unavailable\\),"
            + " sasl_username=alice"),
        LIMIT);
    assertThat(relay.messages()).noneMatch(m -> m.contains("Subject: sasl bad.test"));
  }

  @Test
  void withoutStarttls_noAuthOffered_recipientRefused() throws Exception {
    List<String> lines = deliver("plain.test", "bounced");
    assertThat(lines.get(0))
        .isEqualTo(lines.get(1).replace("postfix@", "postern@"))
        .isEqualTo(
            "relay=" + RELAY + "[" + RELAY + "]:" + PLAIN + ", tls=none, dsn=5.7.1, status=bounced"
                + " (host " + RELAY + "[" + RELAY + "] said: 554 5.7.1 <postern@plain.test>:"
                + " Recipient address rejected: Access denied (in reply to RCPT TO command))");
    assertThat(relay.messages()).noneMatch(m -> m.contains("Subject: sasl plain.test"));
  }

  @Test
  void longPassword_responseAfterEmptyChallenge_storedByRelayhost() throws Exception {
    List<String> lines = deliver("long.test", "sent");
    assertThat(lines.get(0))
        .isEqualTo(lines.get(1))
        .isEqualTo(
            "relay=" + RELAY + "[" + RELAY + "]:" + LONG + ", tls=encrypt, dsn=2.0.0, status=sent"
                + " (250 2.0.0 Ok: queued as QID)");
    assertThat(relayedWith("postern@long.test"))
        .isEqualTo(relayedWith("postfix@long.test"))
        .isEqualTo("sasl_method=PLAIN, sasl_username=bob");
    // debug_peer_list shows the dialogue: AUTH PLAIN alone, 334 with nothing, then the response.
    assertThat(Pattern.compile("< AUTH PLAIN\n> 334 \n< \\S+\n> 235 ").matcher(dialogue()).results().count())
        .as(dialogue())
        .isEqualTo(2);
  }

  @Test
  void mechanismFilterLogin_loginExchange_storedByRelayhost() throws Exception {
    List<String> lines = deliver("login.test", "sent");
    assertThat(lines.get(0))
        .isEqualTo(lines.get(1))
        .isEqualTo(
            "relay=" + RELAY + "[" + RELAY + "]:" + LOGIN + ", tls=encrypt, dsn=2.0.0, status=sent"
                + " (250 2.0.0 Ok: queued as QID)");
    assertThat(relayedWith("postern@login.test"))
        .isEqualTo(relayedWith("postfix@login.test"))
        .isEqualTo("sasl_method=LOGIN, sasl_username=alice");
    // AUTH LOGIN alone, then the user name and the password, each after its prompt.
    assertThat(Pattern.compile("< AUTH LOGIN\n> 334 VXNlcm5hbWU6\n< YWxpY2U=\n> 334 UGFzc3dvcmQ6\n"
            + "< c2VjcmV0\n> 235 ").matcher(dialogue()).results().count())
        .as(dialogue())
        .isEqualTo(2);
  }

  @Test
  void cramMd5_challengeAnswered_storedByRelayhost() throws Exception {
    List<String> lines = deliver("cram.test", "sent");
    assertThat(lines.get(0))
        .isEqualTo(lines.get(1))
        .isEqualTo(
            "relay=" + RELAY + "[" + RELAY + "]:" + CRAM + ", tls=encrypt, dsn=2.0.0, status=sent"
                + " (250 2.0.0 Ok: queued as QID)");
    assertThat(relayedWith("postern@cram.test"))
        .isEqualTo(relayedWith("postfix@cram.test"))
        .isEqualTo("sasl_method=CRAM-MD5, sasl_username=carol");
  }
}
