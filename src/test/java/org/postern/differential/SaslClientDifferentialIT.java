package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.it.Commands;
import org.postern.it.DovecotAuth;
import org.postern.it.PosternInstance;
import org.postern.it.TestPki;

/**
 * SASL_README's "Enabling SASL authentication in the Postfix SMTP/LMTP client", with Postern and
 * Postfix 3.12 as the two clients of one relay host: a receive-only Postern whose smtpd
 * authenticates through Debian's Dovecot ({@code smtpd_sasl_type = dovecot}, mechanisms PLAIN and
 * LOGIN) and relays only for authenticated clients. Both senders get the same main.cf and the same
 * master.cf transports, one per case, each with its own {@code -o smtp_sasl_*} settings; each
 * case's message is sent by both, and the test compares their status lines and what the relay host
 * logged about the session ({@code sasl_method}, {@code sasl_username}).
 *
 * <p>Relay host on 127.0.94.1: port 2525 plaintext, port 2526 with STARTTLS and {@code
 * smtpd_tls_auth_only = yes} (AUTH only after STARTTLS), port 2527 plaintext for the case whose
 * default security options must keep the password home, port 2528 the relay host that {@code
 * sender_dependent_relayhost_maps} gives one sender.
 */
class SaslClientDifferentialIT {
  private static final Duration LIMIT = Duration.ofSeconds(120);
  private static final String RELAY = "127.0.94.1";
  private static final String PLAIN_NEXTHOP = "[" + RELAY + "]:2525";
  private static final String TLS_NEXTHOP = "[" + RELAY + "]:2526";
  private static final String STRICT_NEXTHOP = "[" + RELAY + "]:2527";
  private static final String DAVE_NEXTHOP = "[" + RELAY + "]:2528";

  @TempDir static Path dir;
  private static DovecotAuth dovecot;
  private static PosternInstance relay;
  private static PosternInstance postern;
  private static Postfix312 postfix;

  /** One case: the domain its transport is for, and that transport's -o settings. */
  private record Case(String domain, String nexthop, List<String> overrides) {
    String transport() {
      return domain.substring(0, domain.indexOf('.'));
    }
  }

  private static final List<Case> CASES = List.of(
      new Case("good.test", PLAIN_NEXTHOP, List.of(
          "smtp_sasl_password_maps=texthash:" + "PASSWORDS", "smtp_sasl_security_options=noanonymous")),
      new Case("bad.test", PLAIN_NEXTHOP, List.of(
          "smtp_sasl_password_maps=texthash:" + "WRONG", "smtp_sasl_security_options=noanonymous")),
      new Case("strict.test", STRICT_NEXTHOP, List.of("smtp_sasl_password_maps=texthash:PASSWORDS")),
      new Case("hard.test", PLAIN_NEXTHOP, List.of(
          "smtp_sasl_password_maps=texthash:" + "WRONG", "smtp_sasl_security_options=noanonymous",
          "smtp_sasl_auth_soft_bounce=no")),
      new Case("sender.test", PLAIN_NEXTHOP, List.of(
          "smtp_sasl_password_maps=texthash:PASSWORDS", "smtp_sasl_security_options=noanonymous",
          "smtp_sender_dependent_authentication=yes")),
      new Case("tls.test", TLS_NEXTHOP, List.of(
          "smtp_sasl_password_maps=texthash:PASSWORDS", "smtp_tls_security_level=encrypt",
          "smtp_sasl_tls_security_options=noanonymous")));

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    dovecot = DovecotAuth.start(dir, List.of("alice:{PLAIN}secret", "carol:{PLAIN}carolpw"));
    List<Path> cert = TestPki.create(dir.resolve("pki")).server("relay.test");
    relay = PosternInstance.createReceiveOnly(dir.resolve("relay"), String.join("\n",
        "myhostname = relay.test",
        "mydestination =",
        "mynetworks = 127.0.0.1/32",
        "smtpd_tls_cert_file = " + cert.get(0),
        "smtpd_tls_key_file = " + cert.get(1),
        "smtpd_sasl_type = dovecot",
        "smtpd_sasl_path = " + dovecot.socket(),
        ""));
    relay.appendMasterCf(String.join("\n",
        RELAY + ":2525 inet n - n - - smtpd",
        "  -o syslog_name=relay/plain",
        "  -o smtpd_sasl_auth_enable=yes",
        "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
        RELAY + ":2526 inet n - n - - smtpd",
        "  -o syslog_name=relay/tls",
        "  -o smtpd_tls_security_level=may",
        "  -o smtpd_tls_auth_only=yes",
        "  -o smtpd_sasl_auth_enable=yes",
        "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
        RELAY + ":2528 inet n - n - - smtpd",
        "  -o syslog_name=relay/dave",
        "  -o smtpd_sasl_auth_enable=yes",
        "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
        RELAY + ":2527 inet n - n - - smtpd",
        "  -o syslog_name=relay/strict",
        "  -o smtpd_sasl_auth_enable=yes",
        "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"));
    relay.startAndAwaitSmtp();
    for (int port : new int[] {2525, 2526, 2527, 2528}) {
      assertThat(Commands.await(LIMIT, () -> greets(port))).as("relay on " + port).isTrue();
    }
    Path tables = Files.createDirectories(dir.resolve("tables"));
    Files.setPosixFilePermissions(tables, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path passwords = table(tables, "passwords", PLAIN_NEXTHOP + " alice:secret",
        TLS_NEXTHOP + " alice:secret", STRICT_NEXTHOP + " alice:secret",
        DAVE_NEXTHOP + " carol:carolpw",
        "carol@client.test carol:carolpw");
    Path wrong = table(tables, "wrong", PLAIN_NEXTHOP + " alice:not-the-password");
    List<String> transport = new ArrayList<>();
    List<String> master = new ArrayList<>();
    for (Case c : CASES) {
      transport.add(c.domain() + " " + c.transport() + ":" + c.nexthop());
      master.add(c.transport() + " unix - - n - - smtp");
      master.add("  -o smtp_sasl_auth_enable=yes");
      for (String o : c.overrides()) {
        master.add("  -o " + o.replace("PASSWORDS", passwords.toString())
            .replace("WRONG", wrong.toString()));
      }
    }
    Path transports = table(tables, "transport", transport.toArray(String[]::new));
    // Dave's mail for domains without a transport_maps entry: his relay host and transport.
    master.addAll(List.of("dave unix - - n - - smtp", "  -o smtp_sasl_auth_enable=yes",
        "  -o smtp_sasl_password_maps=texthash:" + passwords,
        "  -o smtp_sasl_security_options=noanonymous"));
    Path relayhosts = table(tables, "relayhosts", "dave@client.test " + DAVE_NEXTHOP,
        "@client.test DUNNO");
    Path senderTransports = table(tables, "sender_transport", "dave@client.test dave");
    List<String> mainCf = List.of(
        "myhostname = client.test",
        "mydestination =",
        "inet_protocols = ipv4",
        "smtp_tls_security_level = none",
        "transport_maps = texthash:" + transports,
        "sender_dependent_relayhost_maps = texthash:" + relayhosts,
        "sender_dependent_default_transport_maps = texthash:" + senderTransports);
    postfix = Postfix312.start(dir.resolve("postfix"), mainCf, master);
    postern = PosternInstance.create(dir.resolve("postern"),
        String.join("\n", mainCf) + "\ndefer_transports =\n");
    postern.appendMasterCf(String.join("\n", master));
    postern.startAndAwaitSmtp();
    List<String[]> mails = new ArrayList<>();
    for (Case c : CASES) {
      mails.add(new String[] {
          c.domain().equals("sender.test") ? "carol@client.test" : "someone@client.test",
          c.domain()});
    }
    mails.add(new String[] {"dave@client.test", "route.test"});
    for (String[] mail : mails) {
      String sender = mail[0];
      for (String mta : List.of("postfix", "postern")) {
        String message = "Subject: " + mail[1] + " by " + mta + "\n\nbody\n";
        String rcpt = mta + "@" + mail[1];
        if (mta.equals("postfix")) {
          postfix.sendmail(message, List.of("-f", sender, rcpt));
        } else {
          PosternInstance.Result r = postern.commandWithInput(
              message.getBytes(StandardCharsets.UTF_8), "sendmail", "-f", sender, rcpt);
          assertThat(r.status()).as(r.err()).isZero();
        }
      }
    }
  }

  private static Path table(Path tables, String name, String... lines) throws Exception {
    Path t = tables.resolve(name);
    Files.write(t, List.of(lines));
    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
    return t;
  }

  private static boolean greets(int port) {
    try (var s = new java.net.Socket(RELAY, port)) {
      return s.getInputStream().read() == '2';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix, relay, dovecot}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /**
   * Each MTA's status line for its recipient in {@code domain} from {@code relay=} on, without the
   * timings and the relay host's queue id.
   */
  private static Map<String, String> statuses(String domain) throws InterruptedException {
    return Map.of(
        "postfix", status(postfix::maillogText, "postfix@" + domain),
        "postern", status(postern::maillogText, "postern@" + domain));
  }

  private static String status(java.util.function.Supplier<String> log, String rcpt)
      throws InterruptedException {
    Pattern line = Pattern.compile("to=<" + Pattern.quote(rcpt)
        + ">, (relay=.*status=(?:sent|deferred|bounced) .*)");
    String[] found = new String[1];
    boolean logged = Commands.await(LIMIT, () -> {
      Matcher m = line.matcher(log.get());
      if (m.find()) {
        found[0] = m.group(1);
      }
      return found[0] != null;
    });
    assertThat(logged).as(rcpt + " status within " + LIMIT + ":\n" + log.get()).isTrue();
    // Timings differ; Postern sends BDAT where Postfix sends DATA, and the relay host's reply to
    // BDAT counts the bytes.
    return found[0].replaceAll("delay=[0-9.]+, delays=[0-9./]+, ", "")
        .replaceAll("(\\d+ bytes )?queued as [0-9A-Za-z]+", "queued as QID");
  }

  /** What the relay host logged for the session that queued the message {@code rcpt} was sent in. */
  private static String relayedWith(java.util.function.Supplier<String> log, String rcpt)
      throws InterruptedException {
    Matcher q = Pattern.compile("to=<" + Pattern.quote(rcpt) + ">, .*queued as ([0-9A-Za-z]+)\\)")
        .matcher(log.get());
    assertThat(q.find()).as(log.get()).isTrue();
    Matcher m = Pattern.compile(q.group(1) + ": client=\\S+, (sasl_method=\\S+, sasl_username=\\S+)")
        .matcher(relay.maillogText());
    assertThat(m.find()).as(relay.maillogText()).isTrue();
    return m.group(1);
  }

  @Test
  void correctPassword_relayedAsAlice_bothClients() throws Exception {
    Map<String, String> s = statuses("good.test");
    assertThat(s.get("postern")).isEqualTo(s.get("postfix"))
        .isEqualTo("relay=" + RELAY + "[" + RELAY + "]:2525, tls=none, dsn=2.0.0, status=sent"
            + " (250 2.0.0 Ok: queued as QID)");
    assertThat(relayedWith(postern::maillogText, "postern@good.test"))
        .isEqualTo(relayedWith(postfix::maillogText, "postfix@good.test"))
        .isEqualTo("sasl_method=PLAIN, sasl_username=alice");
  }

  @Test
  void wrongPassword_softBounce_deferredWithPostfixsText() throws Exception {
    Map<String, String> s = statuses("bad.test");
    assertThat(s.get("postern")).isEqualTo(s.get("postfix"))
        .startsWith("relay=" + RELAY + "[" + RELAY + "]:2525, tls=none, dsn=4.7.8,"
            + " status=deferred (SASL authentication"
            + " failed; server " + RELAY + "[" + RELAY + "] said: 535 5.7.8 ");
  }

  @Test
  void wrongPassword_noSoftBounce_bounced() throws Exception {
    Map<String, String> s = statuses("hard.test");
    assertThat(s.get("postern")).isEqualTo(s.get("postfix"))
        .contains("dsn=5.7.8, status=bounced (SASL authentication failed; server ");
  }

  @Test
  void plaintextOnlyRelay_defaultSecurityOptions_noCredentialsSent() throws Exception {
    Map<String, String> s = statuses("strict.test");
    assertThat(s.get("postern")).isEqualTo(s.get("postfix"))
        .isEqualTo("relay=" + RELAY + "[" + RELAY + "]:2527, tls=none, dsn=4.7.0,"
            + " status=deferred (SASL authentication"
            + " failed; cannot authenticate to server " + RELAY + "[" + RELAY + "]: no mechanism"
            + " available)");
    assertThat(postern.maillogText())
        .contains("warning: SASL authentication failure: No worthy mechs found");
    assertThat(postfix.maillogText())
        .contains("warning: SASL authentication failure: No worthy mechs found");
    // Both clients' sessions (not the start-up probe's) said EHLO and QUIT, and no AUTH.
    java.util.function.Supplier<List<String>> ends = () -> relay.maillogText().lines()
        .filter(l -> l.contains("relay/strict/smtpd[") && l.contains(": disconnect from ")
            && l.contains(" ehlo="))
        .toList();
    assertThat(Commands.await(LIMIT, () -> ends.get().size() == 2)).as(relay.maillogText())
        .isTrue();
    assertThat(ends.get()).allSatisfy(l -> assertThat(l).endsWith(" ehlo=1 quit=1 commands=2"));
  }

  @Test
  void senderDependentCredentials_relayedAsCarol() throws Exception {
    Map<String, String> s = statuses("sender.test");
    assertThat(s.get("postern")).isEqualTo(s.get("postfix")).contains("status=sent ");
    assertThat(relayedWith(postern::maillogText, "postern@sender.test"))
        .isEqualTo(relayedWith(postfix::maillogText, "postfix@sender.test"))
        .isEqualTo("sasl_method=PLAIN, sasl_username=carol");
  }

  /**
   * Port 2528 comes only from Dave's sender_dependent_relayhost_maps entry; SASL only from the
   * "dave" transport of his sender_dependent_default_transport_maps entry (main.cf leaves it off).
   */
  @Test
  void senderDependentRelayhostAndTransport_relayedAsCarolThroughDavesRelay() throws Exception {
    Map<String, String> s = statuses("route.test");
    assertThat(s.get("postern")).isEqualTo(s.get("postfix"))
        .isEqualTo("relay=" + RELAY + "[" + RELAY + "]:2528, tls=none, dsn=2.0.0, status=sent"
            + " (250 2.0.0 Ok: queued as QID)");
    assertThat(relayedWith(postern::maillogText, "postern@route.test"))
        .isEqualTo(relayedWith(postfix::maillogText, "postfix@route.test"))
        .isEqualTo("sasl_method=PLAIN, sasl_username=carol");
  }

  @Test
  void authOnlyAfterStarttls_relayedAsAliceOverTls() throws Exception {
    Map<String, String> s = statuses("tls.test");
    assertThat(s.get("postern")).isEqualTo(s.get("postfix")).contains("status=sent ");
    assertThat(relayedWith(postern::maillogText, "postern@tls.test"))
        .isEqualTo(relayedWith(postfix::maillogText, "postfix@tls.test"))
        .isEqualTo("sasl_method=PLAIN, sasl_username=alice");
  }
}
