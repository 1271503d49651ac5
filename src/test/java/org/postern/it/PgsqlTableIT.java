package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgsql:} tables against a PostgreSQL server of the test's own (127.0.103.1): one Postern
 * (smtpd on 127.0.103.10) takes its virtual mailboxes, virtual aliases, relay domains, sender
 * access, transports and {@code smtp_requiretls_policy} from the database, each through a
 * pgsql_table(5) file as Postfix reads it. Mail for the relay domain goes to an aiosmtpd peer on
 * 127.0.103.2. The database is stopped during a run: RCPT gets Postfix's 4xx, mail waits, and
 * after the database is back everything is delivered. Postfix 3.12's {@code postmap -q} answers
 * the same files identically.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgsqlTableIT {
  private static final String DB = "127.0.103.1";
  private static final String PEER = "127.0.103.2";
  private static final String SMTPD = "127.0.103.10";
  private static final String STRANGER = "127.0.103.11";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private Path dir;
  private TestPki pki;
  private PostgresServer pg;
  private AiosmtpdPeer peer;
  private PosternInstance postern;
  private int smtpPort;
  private int peerPort;
  private Path vmail;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    pki = TestPki.create(dir.resolve("pki"));
    pg = PostgresServer.create(dir.resolve("db"), DB, pki.serverAddress(DB));
    pg.sql("postgres", "CREATE USER mail PASSWORD 'mail''s secret'", "CREATE DATABASE maildb OWNER mail");
    pg.sql("maildb",
        "CREATE TABLE mailbox (address text PRIMARY KEY, maildir text)",
        "INSERT INTO mailbox VALUES ('alice@vmail.test', 'vmail.test/alice/'),"
            + " ('bob@vmail.test', 'vmail.test/bob/'), ('o''brien@vmail.test', 'vmail.test/obrien/')",
        "CREATE TABLE alias (address text, goto text)",
        "INSERT INTO alias VALUES ('team@vmail.test', 'alice@vmail.test'),"
            + " ('team@vmail.test', 'bob@vmail.test')",
        "CREATE TABLE domain (name text, kind text)",
        "INSERT INTO domain VALUES ('relay.test', 'relay'), ('vmail.test', 'virtual')",
        "CREATE TABLE access (key text, action text)",
        "INSERT INTO access VALUES ('spammer@bad.test', 'REJECT go away')",
        "CREATE TABLE transport (domain text, nexthop text)",
        "CREATE TABLE requiretls (nexthop text, action text)",
        "INSERT INTO requiretls VALUES ('" + PEER + "', 'opportunistic')",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO mail");
    peerPort = PosternInstance.freePort();
    peer = AiosmtpdPeer.start(dir, PEER, peerPort);
    pg.sql("maildb", "INSERT INTO transport VALUES ('relay.test', 'smtp:[" + PEER + "]:"
        + peerPort + "')");

    vmail = Files.createDirectories(dir.resolve("vmail"));
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(vmail, users.lookupPrincipalByName("nobody"));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "defer_transports =",
        "mynetworks = 127.0.103.250/32",
        "virtual_mailbox_domains = vmail.test",
        "virtual_mailbox_base = " + vmail,
        "virtual_mailbox_maps = pgsql:" + cf("mailbox", "SELECT maildir FROM mailbox WHERE address='%s'"),
        "virtual_uid_maps = static:65534",
        "virtual_gid_maps = static:65534",
        "virtual_alias_maps = pgsql:" + cf("alias",
            "SELECT goto FROM alias WHERE address='%s' ORDER BY goto"),
        "relay_domains = pgsql:" + cf("relay",
            "SELECT name FROM domain WHERE name='%s' AND kind='relay'"),
        "relay_recipient_maps =",
        "transport_maps = pgsql:" + legacyCf("transport"),
        "smtp_requiretls_policy = pgsql:" + cf("requiretls",
            "SELECT action FROM requiretls WHERE nexthop='%s'") + ", enforce",
        "smtpd_recipient_restrictions = check_sender_access pgsql:"
            + cf("access", "SELECT action FROM access WHERE key='%s'")
            + ", reject_unauth_destination",
        ""));
    smtpPort = postern.smtpPort();
    Path master = postern.config().resolve("master.cf");
    Files.writeString(master, Files.readString(master)
        .replace("127.0.0.1:" + smtpPort + " ", SMTPD + ":" + smtpPort + " "));
    postern.start();
  }

  /** A pgsql_table(5) file with {@code query}, as an operator writes one. */
  private Path cf(String name, String query) throws Exception {
    return Files.writeString(dir.resolve(name + ".cf"), String.join("\n",
        "# " + name + " from PostgreSQL",
        "hosts = inet:" + DB + ":" + pg.port(),
        "user = mail",
        "password = mail's secret",
        "dbname = maildb",
        // Idle connections stay for the hour: only a reload closes them within the test.
        "idle_interval = 3600",
        "query = " + query,
        ""));
  }

  /** A pgsql_table(5) file in the legacy table/select_field/where_field form. */
  private Path legacyCf(String name) throws Exception {
    return Files.writeString(dir.resolve(name + ".cf"), String.join("\n",
        "hosts = " + DB + ":" + pg.port(),
        "user = mail",
        "password = mail's secret",
        "dbname = maildb",
        "table = transport",
        "select_field = nexthop",
        "where_field = domain",
        ""));
  }

  @AfterAll
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (peer != null) {
      peer.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private SmtpClient.Reply rcpt(String sender, String recipient) throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom(STRANGER, InetAddress.getByName(SMTPD), smtpPort)) {
      assertThat(c.command("EHLO stranger.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<" + sender + ">").code()).isEqualTo(250);
      return c.command("RCPT TO:<" + recipient + ">");
    }
  }

  private void send(String recipient, String subject) throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom(STRANGER, InetAddress.getByName(SMTPD), smtpPort)) {
      assertThat(c.command("EHLO stranger.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<sender@outside.test>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<" + recipient + ">").code()).as(recipient).isEqualTo(250);
      assertThat(c.command("DATA").code()).isEqualTo(354);
      assertThat(c.command("Subject: " + subject + "\r\n\r\nbody\r\n.").code()).isEqualTo(250);
    }
  }

  private boolean delivered(String user, String subject) {
    Path newDir = vmail.resolve("vmail.test").resolve(user).resolve("new");
    try (var files = Files.list(newDir)) {
      return files.anyMatch(f -> {
        try {
          return Files.readString(f, StandardCharsets.UTF_8).contains("Subject: " + subject);
        } catch (java.io.IOException e) {
          return false;
        }
      });
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private PosternInstance.Result postmap(String key, String table) throws Exception {
    return postern.command("postmap", "-q", key, "pgsql:" + dir.resolve(table + ".cf"));
  }

  @Test
  void virtualMailbox_knownUserAcceptedAndDelivered_unknownRefused() throws Exception {
    assertThat(rcpt("sender@outside.test", "nobody@vmail.test").text())
        .startsWith("550 5.1.1 <nobody@vmail.test>: Recipient address rejected: User unknown in"
            + " virtual mailbox table");
    send("alice@vmail.test", "to alice");

    assertThat(Commands.await(LIMIT, () -> delivered("alice", "to alice")))
        .as("alice's mailbox; log:\n" + postern.maillogText()).isTrue();
  }

  @Test
  void virtualAlias_twoRows_joinedWithComma_deliveredToBoth() throws Exception {
    assertThat(postmap("team@vmail.test", "alias").out().strip())
        .isEqualTo("alice@vmail.test,bob@vmail.test");
    send("team@vmail.test", "to the team");

    assertThat(Commands.await(LIMIT, () -> delivered("alice", "to the team")
        && delivered("bob", "to the team"))).as("log:\n" + postern.maillogText()).isTrue();
  }

  @Test
  void senderAccess_rejectsWithTheTextFromTheDatabase() throws Exception {
    assertThat(rcpt("spammer@bad.test", "alice@vmail.test").text())
        .isEqualTo("554 5.7.1 <spammer@bad.test>: Sender address rejected: go away");
  }

  @Test
  void relayDomainTransportAndRequireTlsPolicy_fromTheDatabase() throws Exception {
    assertThat(rcpt("sender@outside.test", "x@foreign.test").text())
        .startsWith("454 4.7.1 <x@foreign.test>: Relay access denied");
    String message = "From: <s@vmail.test>\nTo: <r@relay.test>\nSubject: relayed\n\nbody\n";
    PosternInstance.Result r = postern.commandWithInput(message.getBytes(StandardCharsets.UTF_8),
        "sendmail", "-O", "requiretls=yes", "-f", "s@vmail.test", "r@relay.test");
    assertThat(r.status()).as(r.err()).isZero();

    postern.awaitLog(Pattern.compile("to=<r@relay\\.test>, relay=" + Pattern.quote(PEER)
        + ".*status=sent"), LIMIT);
    assertThat(peer.messages()).anySatisfy(m -> {
      assertThat(m.recipients()).containsExactly("r@relay.test");
      assertThat(m.text()).contains("Subject: relayed");
    });

    // The same next hop under "enforce" from the database: no STARTTLS, so not sent.
    pg.sql("maildb", "UPDATE requiretls SET action = 'enforce'");
    try {
      String strict = "From: <s@vmail.test>\nTo: <r3@relay.test>\nSubject: strict\n\nbody\n";
      r = postern.commandWithInput(strict.getBytes(StandardCharsets.UTF_8), "sendmail", "-O",
          "requiretls=yes", "-f", "s@vmail.test", "r3@relay.test");
      assertThat(r.status()).as(r.err()).isZero();
      postern.awaitLog(Pattern.compile("to=<r3@relay\\.test>, .*requiretls.*status=(bounced|deferred)"),
          LIMIT);
    } finally {
      pg.sql("maildb", "UPDATE requiretls SET action = 'opportunistic'");
    }
    assertThat(peer.messages()).noneSatisfy(m -> assertThat(m.recipients()).contains("r3@relay.test"));
  }

  @Test
  void quotedKey_isALiteral_andTheRowWithAQuoteIsFound() throws Exception {
    assertThat(postmap("o'brien@vmail.test", "mailbox").out().strip()).isEqualTo("vmail.test/obrien/");
    PosternInstance.Result injection = postmap("x' OR '1'='1", "mailbox");
    assertThat(injection.status()).as(injection.err()).isEqualTo(1);
    assertThat(injection.out()).isEmpty();
  }

  /** A pgsql_table(5) file whose host is a connection URI with {@code options}. */
  private Path uriCf(String name, String options) throws Exception {
    String uri = "postgresql://mail:mail%27s%20secret@" + DB + ":" + pg.port() + "/maildb";
    return Files.writeString(dir.resolve(name + ".cf"), String.join("\n",
        "hosts = " + uri + "?" + options,
        "query = SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND '%s' <> ''",
        ""));
  }

  @Test
  void connectionUri_tlsVerifiedAgainstTheCa_andRefusedWithAnotherCa() throws Exception {
    uriCf("tls", "sslmode=verify-full&sslrootcert=" + pki.caCert());
    uriCf("notls", "sslmode=disable");
    uriCf("otherca", "sslmode=verify-full&sslrootcert="
        + TestPki.create(dir.resolve("pki2")).caCert());

    assertThat(postmap("probe", "tls").out()).isEqualTo("true\n");
    assertThat(postmap("probe", "notls").out()).isEqualTo("false\n");
    PosternInstance.Result refused = postmap("probe", "otherca");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains("fatal:").contains("connect to pgsql server");
  }

  @Test
  void unixSocket_sameAnswersAsOverTcp() throws Exception {
    unixCf();

    assertThat(postmap("team@vmail.test", "unix").out()).isEqualTo("alice@vmail.test,bob@vmail.test\n");
  }

  /**
   * A file naming the server's socket directory; libpq looks for {@code .s.PGSQL.5432} there,
   * so the directory holds a link of that name to the socket of this server's port.
   */
  private Path unixCf() throws Exception {
    Path sockets = dir.resolve("pg-sockets");
    if (!Files.exists(sockets)) {
      Files.createDirectories(sockets);
      Files.createSymbolicLink(sockets.resolve(".s.PGSQL.5432"),
          pg.socketDirectory().resolve(".s.PGSQL." + pg.port()));
    }
    return Files.writeString(dir.resolve("unix.cf"), String.join("\n",
        "hosts = unix:" + sockets, "user = mail",
        "password = mail's secret", "dbname = maildb",
        "query = SELECT goto FROM alias WHERE address='%s' ORDER BY goto", ""));
  }

  @Test
  void postfix312Postmap_answersTheSameFilesIdentically() throws Exception {
    Path config = Files.createDirectories(dir.resolve("postfix-config"));
    Files.writeString(config.resolve("main.cf"), "compatibility_level = 3.6\n");
    uriCf("tls", "sslmode=verify-full&sslrootcert=" + pki.caCert());
    unixCf();
    pg.sql("maildb", "CREATE OR REPLACE FUNCTION maildir_of(text) RETURNS text LANGUAGE sql"
        + " AS $$ SELECT maildir FROM mailbox WHERE address = $1 $$",
        "GRANT EXECUTE ON FUNCTION maildir_of(text) TO mail");
    Files.writeString(dir.resolve("function.cf"), String.join("\n", "hosts = " + DB + ":"
        + pg.port(), "user = mail", "password = mail's secret", "dbname = maildb",
        "select_function = maildir_of", ""));
    cf("limit", "SELECT goto FROM alias WHERE address='%s'");
    Files.writeString(dir.resolve("limit.cf"), "expansion_limit = 1\n", StandardOpenOption.APPEND);
    cf("format", "SELECT goto FROM alias WHERE address='%u@%d' AND '%1' = 'test' ORDER BY goto");
    Files.writeString(dir.resolve("format.cf"),
        "result_format = %u+%U@%D %s\ndomain = vmail.test\n", StandardOpenOption.APPEND);
    assertThat(postmap("team@vmail.test", "format").out())
        .isEqualTo("alice+team@vmail.test alice@vmail.test,bob+team@vmail.test bob@vmail.test\n");
    assertThat(postmap("alice@vmail.test", "function").out()).isEqualTo("vmail.test/alice/\n");
    for (String[] probe : List.of(
        new String[] {"alice@vmail.test", "function"}, new String[] {"nobody@vmail.test", "function"},
        new String[] {"team@vmail.test", "limit"}, new String[] {"team@vmail.test", "format"},
        new String[] {"team@other.test", "format"}, new String[] {"team", "format"},
        new String[] {"team@vmail.test", "alias"}, new String[] {"Alice@VMAIL.test", "mailbox"},
        new String[] {"o'brien@vmail.test", "mailbox"}, new String[] {"nobody@vmail.test", "mailbox"},
        new String[] {"relay.test", "transport"}, new String[] {"spammer@bad.test", "access"},
        new String[] {"probe", "tls"}, new String[] {"team@vmail.test", "unix"})) {
      PosternInstance.Result ours = postmap(probe[0], probe[1]);
      PosternInstance.Result theirs = Commands.run(List.of(Postfix312.program("postmap").toString(),
          "-c", config.toString(), "-q", probe[0], "pgsql:" + dir.resolve(probe[1] + ".cf")),
          null, LIMIT);
      assertThat(ours.out()).as(String.join(" ", probe) + " " + theirs.err()).isEqualTo(theirs.out());
      assertThat(ours.status()).as(String.join(" ", probe)).isEqualTo(theirs.status());
    }
  }

  private long posternConnections() throws Exception {
    return pg.number("postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'postern'");
  }

  @Test
  void reload_closesThePools_andLookupsOpenThemAgain() throws Exception {
    assertThat(rcpt("sender@outside.test", "alice@vmail.test").code()).isEqualTo(250);
    assertThat(posternConnections()).as("pooled connections of the running master").isPositive();

    PosternInstance.Result reload = postern.command("postern", "reload");
    assertThat(reload.status()).as(reload.err()).isZero();

    assertThat(Commands.await(LIMIT, () -> {
      try {
        return posternConnections() == 0;
      } catch (Exception e) {
        return false;
      }
    })).as("connections after reload").isTrue();
    assertThat(rcpt("sender@outside.test", "alice@vmail.test").code()).isEqualTo(250);
  }

  @Test
  void databaseStopped_rcptIs4xx_mailWaits_andGoesThroughWhenItIsBack() throws Exception {
    send("bob@vmail.test", "before the outage");
    assertThat(Commands.await(LIMIT, () -> delivered("bob", "before the outage"))).isTrue();
    pg.stop();
    try {
      assertThat(rcpt("sender@outside.test", "alice@vmail.test").text())
          .isEqualTo("451 4.3.0 <alice@vmail.test>: Temporary lookup failure");
      String message = "From: <s@vmail.test>\nTo: <r2@relay.test>\nSubject: in the outage\n\nx\n";
      PosternInstance.Result r = postern.commandWithInput(
          message.getBytes(StandardCharsets.UTF_8), "sendmail", "-f", "s@vmail.test",
          "r2@relay.test");
      assertThat(r.status()).as(r.err()).isZero();
      PosternInstance.Result lookup = postmap("alice@vmail.test", "mailbox");
      assertThat(lookup.status()).isEqualTo(1);
      assertThat(lookup.err()).contains("postmap: fatal: table pgsql:" + dir.resolve("mailbox.cf"))
          .contains("connect to pgsql server inet:" + DB + ":" + pg.port());
    } finally {
      pg.start();
    }
    assertThat(rcpt("sender@outside.test", "alice@vmail.test").code()).isEqualTo(250);
    postern.command("postqueue", "-f");
    assertThat(Commands.await(LIMIT, () -> peer.messages().stream().anyMatch(
        m -> m.recipients().contains("r2@relay.test") && m.text().contains("in the outage"))))
        .as("log:\n" + postern.maillogText()).isTrue();
  }
}
