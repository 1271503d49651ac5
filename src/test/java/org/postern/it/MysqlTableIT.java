package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mysql:} tables against a MariaDB server of the test's own (127.0.103.3, TLS with a
 * certificate for that address from the test CA), asked with {@code postmap -q} as an operator
 * checks a table: query and legacy forms, rows joined with commas, quoting, TLS with {@code
 * tls_verify_cert}, fail-over past a dead server, and a stopped server as a lookup error. Postfix
 * 3.12's {@code postmap -q} answers the same files identically.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MysqlTableIT {
  private static final String DB = "127.0.103.3";
  private static final String DEAD = "127.0.103.4";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private Path dir;
  private TestPki pki;
  private MariaDbServer db;
  private PosternInstance postern;
  private Path postfixConfig;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    pki = TestPki.create(dir.resolve("pki"));
    db = MariaDbServer.create(dir.resolve("db"), DB, pki.serverAddress(DB), pki.caCert());
    db.sql("",
        "CREATE DATABASE maildb",
        "CREATE USER 'mail'@'%' IDENTIFIED BY 'mail''s secret'",
        "GRANT SELECT, EXECUTE ON maildb.* TO 'mail'@'%'",
        "CREATE USER 'certified'@'%' IDENTIFIED BY 'pw' REQUIRE X509",
        "GRANT SELECT ON maildb.* TO 'certified'@'%'");
    db.sql("maildb",
        "CREATE TABLE alias (address VARCHAR(255), goto VARCHAR(255))",
        "INSERT INTO alias VALUES ('team@example.com', 'alice@example.com'),"
            + " ('team@example.com', 'bob@example.com'), ('o''neil@example.com', 'oneil@example.net'),"
            + " ('back\\\\slash@example.com', 'bs@example.net')",
        "CREATE PROCEDURE aliases_of(a VARCHAR(255)) SELECT goto FROM alias WHERE address = a"
            + " ORDER BY goto",
        "CREATE PROCEDURE remember(a VARCHAR(255)) SET @last = a",
        "CREATE TABLE domains (domain VARCHAR(255), active INT)",
        "INSERT INTO domains VALUES ('example.com', 1), ('old.example', 0)");
    postern = PosternInstance.create(dir.resolve("postern"), "");
    postfixConfig = Files.createDirectories(dir.resolve("postfix-config"));
    Files.writeString(postfixConfig.resolve("main.cf"), "compatibility_level = 3.6\n");
  }

  @AfterAll
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private Path cf(String name, String hosts, String... lines) throws Exception {
    return Files.writeString(dir.resolve(name + ".cf"), String.join("\n",
        "hosts = " + hosts, "user = mail", "password = mail's secret", "dbname = maildb",
        String.join("\n", lines), ""));
  }

  private Path aliases() throws Exception {
    return cf("aliases", DB + ":" + db.port(),
        "query = SELECT goto FROM alias WHERE address='%s' ORDER BY goto");
  }

  private PosternInstance.Result postmap(String key, Path cf) throws Exception {
    return postern.command("postmap", "-q", key, "mysql:" + cf);
  }

  private PosternInstance.Result postfixPostmap(String key, Path cf) throws Exception {
    return Commands.run(List.of(Postfix312.program("postmap").toString(), "-c",
        postfixConfig.toString(), "-q", key, "mysql:" + cf), null, LIMIT);
  }

  @Test
  void query_rowsJoinedWithCommas_keyFolded_notFoundExits1() throws Exception {
    assertThat(postmap("Team@Example.COM", aliases()).out())
        .isEqualTo("alice@example.com,bob@example.com\n");
    PosternInstance.Result missing = postmap("nobody@example.com", aliases());
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
  }

  @Test
  void quoting_quotesAndBackslashesAreData() throws Exception {
    assertThat(postmap("o'neil@example.com", aliases()).out()).isEqualTo("oneil@example.net\n");
    assertThat(postmap("back\\slash@example.com", aliases()).out()).isEqualTo("bs@example.net\n");
    assertThat(postmap("x' OR 'a'='a", aliases()).status()).isEqualTo(1);
  }

  private Path legacy() throws Exception {
    return cf("legacy", "inet:" + DB + ":" + db.port(), "table = domains",
        "select_field = domain", "where_field = domain", "additional_conditions = AND active = 1",
        "result_format = relay:[%s]");
  }

  private Path limited() throws Exception {
    return cf("limited", DB + ":" + db.port(),
        "query = SELECT goto FROM alias WHERE address='%s'", "domain = example.org");
  }

  @Test
  void legacyFieldsAndResultFormat_andDomainList() throws Exception {
    assertThat(postmap("example.com", legacy()).out()).isEqualTo("relay:[example.com]\n");
    assertThat(postmap("old.example", legacy()).status()).isEqualTo(1);
    assertThat(postmap("team@example.com", limited()).status()).as("not in the domain list")
        .isEqualTo(1);
  }

  private Path procedure(String name, String call, String requireResultSet) throws Exception {
    return cf(name, DB + ":" + db.port(), "query = CALL " + call + "('%s')",
        "require_result_set = " + requireResultSet);
  }

  @Test
  void storedProcedures_resultSetOrNone_asRequireResultSetSays() throws Exception {
    assertThat(postmap("team@example.com", procedure("call", "aliases_of", "yes")).out())
        .isEqualTo("alice@example.com,bob@example.com\n");
    PosternInstance.Result required = postmap("x", procedure("required", "remember", "yes"));
    assertThat(required.status()).isEqualTo(1);
    assertThat(required.err()).contains("fatal:").contains("no result set");
    PosternInstance.Result optional = postmap("x", procedure("optional", "remember", "no"));
    assertThat(optional.status()).isEqualTo(1);
    assertThat(optional.err()).doesNotContain("fatal:");
  }

  @Test
  void tls_verifiedAgainstTheCa_andRefusedWithAnotherCa() throws Exception {
    String tlsQuery = "query = SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
        + " WHERE VARIABLE_NAME = 'Ssl_version' AND '%s' <> ''";
    Path verified = cf("tls", DB + ":" + db.port(), tlsQuery, "tls_CAfile = " + pki.caCert(),
        "tls_verify_cert = yes");
    Path plain = cf("plain", DB + ":" + db.port(), tlsQuery);
    Path otherCa = cf("otherca", DB + ":" + db.port(), tlsQuery,
        "tls_CAfile = " + TestPki.create(dir.resolve("other-pki")).caCert(), "tls_verify_cert = yes");

    assertThat(postmap("probe", verified).out()).startsWith("TLSv1.");
    assertThat(postmap("probe", plain).status()).as("no TLS asked for: Ssl_version empty")
        .isEqualTo(1);
    PosternInstance.Result refused = postmap("probe", otherCa);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains("fatal:").contains("connect to mysql server " + DB);
  }

  @Test
  void tls_clientCertificate_forAUserThatRequiresOne() throws Exception {
    List<Path> client = pki.client("postern.client.test");
    String lines = String.join("\n", "hosts = " + DB + ":" + db.port(), "user = certified",
        "password = pw", "dbname = maildb",
        "query = SELECT goto FROM alias WHERE address='%s' ORDER BY goto",
        "tls_CAfile = " + pki.caCert(), "tls_verify_cert = yes", "");
    Path withCert = Files.writeString(dir.resolve("cert.cf"), lines + "tls_cert_file = "
        + client.get(0) + "\ntls_key_file = " + client.get(1) + "\n");
    Path withoutCert = Files.writeString(dir.resolve("nocert.cf"), lines);

    assertThat(postmap("team@example.com", withCert).out())
        .isEqualTo("alice@example.com,bob@example.com\n");
    assertThat(postfixPostmap("team@example.com", withCert).out())
        .isEqualTo("alice@example.com,bob@example.com\n");
    PosternInstance.Result refused = postmap("team@example.com", withoutCert);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains("Access denied");
  }

  @Test
  void failOver_pastADeadServer() throws Exception {
    Path two = cf("two", DEAD + ":" + db.port() + " " + DB + ":" + db.port(),
        "query = SELECT goto FROM alias WHERE address='%s' ORDER BY goto");
    for (int i = 0; i < 3; i++) {
      assertThat(postmap("team@example.com", two).out()).isEqualTo("alice@example.com,bob@example.com\n");
    }
  }

  @Test
  void unixSocket_sameAnswersAsOverTcp() throws Exception {
    Path unix = cf("unix", "unix:" + db.socket(),
        "query = SELECT goto FROM alias WHERE address='%s' ORDER BY goto");

    assertThat(postmap("team@example.com", unix).out()).isEqualTo("alice@example.com,bob@example.com\n");
    assertThat(postfixPostmap("team@example.com", unix).out())
        .isEqualTo("alice@example.com,bob@example.com\n");
  }

  @Test
  void postfix312Postmap_answersTheSameFilesIdentically() throws Exception {
    Path tls = cf("tls-diff", DB + ":" + db.port(),
        "query = SELECT goto FROM alias WHERE address='%s' ORDER BY goto",
        "tls_CAfile = " + pki.caCert(), "tls_verify_cert = yes");
    for (String key : List.of("team@example.com", "TEAM@example.com", "o'neil@example.com",
        "back\\slash@example.com", "nobody@example.com", "example.com", "old.example")) {
      for (Path cf : List.of(aliases(), tls, legacy(), limited(),
          procedure("call", "aliases_of", "yes"), procedure("required", "remember", "yes"),
          procedure("optional", "remember", "no"))) {
        PosternInstance.Result ours = postmap(key, cf);
        PosternInstance.Result theirs = postfixPostmap(key, cf);
        assertThat(ours.out()).as(key + " " + cf + " " + theirs.err()).isEqualTo(theirs.out());
        assertThat(ours.status()).as(key + " " + cf).isEqualTo(theirs.status());
      }
    }
  }

  @Test
  void serverStopped_lookupIsAnError_andAnswersWhenItIsBack() throws Exception {
    Path cf = aliases();
    db.stop();
    try {
      PosternInstance.Result down = postmap("team@example.com", cf);
      assertThat(down.status()).isEqualTo(1);
      assertThat(down.err()).contains("postmap: fatal: table mysql:" + cf)
          .contains("connect to mysql server " + DB + ":" + db.port());
    } finally {
      db.start();
    }
    assertThat(postmap("team@example.com", cf).out()).isEqualTo("alice@example.com,bob@example.com\n");
  }
}
