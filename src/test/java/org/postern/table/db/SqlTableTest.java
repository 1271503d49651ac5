package org.postern.table.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.TableException;
import org.postern.table.Tables;

/** Opening pgsql: and mysql: tables and reading their hosts; no server is contacted. */
class SqlTableTest {
  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private String file(String text) throws Exception {
    return Files.writeString(dir.resolve("t.cf"), text).toString();
  }

  @Test
  void parse_hostForms() throws Exception {
    assertThat(SqlHost.parse("db.example.com", 5432, true).jdbcUrl("postgresql", "mail"))
        .isEqualTo("jdbc:postgresql://db.example.com:5432/mail");
    assertThat(SqlHost.parse("inet:10.0.0.1:6432", 5432, true).jdbcUrl("postgresql", "mail"))
        .isEqualTo("jdbc:postgresql://10.0.0.1:6432/mail");
    assertThat(SqlHost.parse("[::1]:3307", 3306, false).jdbcUrl("mariadb", "m"))
        .isEqualTo("jdbc:mariadb://[::1]:3307/m");
  }

  @Test
  void parse_connectionUri_credentialsDecoded_pathAndOptionsKept() throws Exception {
    SqlHost h = SqlHost.parse("postgresql://us%40r:p%27w@db.example.com/mail?sslmode=require",
        5432, true);

    assertThat(h.isUri()).isTrue();
    assertThat(h.credentials()).contains(new SqlHost.Credentials("us@r", "p'w"));
    assertThat(h.jdbcUrl("postgresql", "ignored"))
        .isEqualTo("jdbc:postgresql://db.example.com:5432/mail?sslmode=require");
  }

  @Test
  void parse_badPort_fails() {
    assertThatThrownBy(() -> SqlHost.parse("db:none", 5432, true))
        .hasMessage("host db:none: bad port number: \"none\"");
  }

  @Test
  void parse_unixSocket_pgsqlDirectory_mysqlTheSocketOrLocalhost() throws Exception {
    assertThat(SqlHost.parse("unix:/run/postgresql", 5432, true).socket())
        .contains(Path.of("/run/postgresql/.s.PGSQL.5432"));
    assertThat(SqlHost.parse("inet:/run/postgresql", 5432, true).socket())
        .contains(Path.of("/run/postgresql/.s.PGSQL.5432"));
    assertThat(SqlHost.parse("localhost", 3306, false).socket())
        .contains(Path.of("/run/mysqld/mysqld.sock"));
    assertThat(SqlHost.parse("localhost", 5432, true).socket()).isEmpty();
    assertThat(SqlHost.parse("unix:/run/mysqld/mysqld.sock", 3306, false).socket())
        .contains(Path.of("/run/mysqld/mysqld.sock"));
    assertThat(SqlHost.parse("db", 3306, false).socket()).isEmpty();
  }

  @Test
  void mysqlQuote_escapesAsMysqlRealEscapeString() {
    assertThat(SqlDialect.mysqlQuote("a'b\"c\\d\ne\rf\0g\032h"))
        .isEqualTo("a\\'b\\\"c\\\\d\\ne\\rf\\0g\\Zh");
  }

  @Test
  void open_throughTables_isLazy_andWarnsUnknownNames() throws Exception {
    String cf = file("hosts = 127.0.103.99:1\ndbname = d\nquery = SELECT 1 WHERE '%s'=''\n"
        + "qeury = x\n");

    try (var table = Tables.open("pgsql:" + cf, warnings::add)) {
      assertThat(table.matchStyle()).isEqualTo(SqlTable.MatchStyle.FIXED);
    }
    assertThat(warnings).singleElement().asString().contains("unknown parameter name: \"qeury\"");
  }

  @Test
  void find_keyOutsideTheDomainList_isNotFound_withoutAServer() throws Exception {
    String cf = file("hosts = 127.0.103.99:1\ndbname = d\nquery = SELECT 1 WHERE '%s'=''\n"
        + "domain = example.com\n");

    try (var table = SqlTable.mysql("mysql:" + cf, cf, warnings::add)) {
      assertThat(table.find("user@example.org")).isEqualTo(Optional.empty());
      assertThat(table.find("example.com")).isEqualTo(Optional.empty());
    }
  }

  @Test
  void open_nonUriHostWithoutDbname_fails() throws Exception {
    String cf = file("hosts = db\nquery = SELECT 1\n");

    assertThatThrownBy(() -> SqlTable.pgsql("pgsql:" + cf, cf, warnings::add))
        .isInstanceOf(TableException.class)
        .hasMessageContaining("parameter dbname: host target 'db' requires dbname setting");
  }

  @Test
  void open_settingsTheDriverCannotHonour_fail() throws Exception {
    String cf = file("hosts = db\ndbname = d\nquery = SELECT 1\ntls_ciphers = HIGH\n");
    assertThatThrownBy(() -> SqlTable.mysql("mysql:" + cf, cf, warnings::add))
        .hasMessageContaining("line 4: parameter tls_ciphers: not supported");
    String noKey = file("hosts = db\ndbname = d\nquery = SELECT 1\ntls_cert_file = /c.pem\n");
    assertThatThrownBy(() -> SqlTable.mysql("mysql:" + noKey, noKey, warnings::add))
        .hasMessageContaining("parameter tls_key_file: not set");
    String options = file("hosts = db\ndbname = d\nquery = SELECT 1\noption_file = /etc/my.cnf\n");
    assertThatThrownBy(() -> SqlTable.mysql("mysql:" + options, options, warnings::add))
        .hasMessageContaining("parameter option_file: MySQL option files are not read");
  }

  @Test
  void open_relativeName_failsNamingTheForm() {
    assertThatThrownBy(() -> Tables.open("pgsql:pgsqlsource"))
        .hasMessageContaining("need the absolute path of a configuration file (pgsql_table(5))");
  }
}
