package org.postern.table.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.postern.table.TableException;

/**
 * What differs between {@code pgsql:} (pgsql_table(5)) and {@code mysql:} (mysql_table(5)): the
 * parameters each knows, how the query is built when {@code query} is not set, the JDBC driver
 * and URL, TLS to the server, and how a key is quoted as an SQL string literal.
 *
 * <p>Quoting: PostgreSQL's own escaping for the connection at hand (doubled {@code '}, and {@code
 * \} doubled too when the server has {@code standard_conforming_strings} off); MySQL's {@code
 * mysql_real_escape_string()} escapes ({@code \0 \n \r \\ \' \" \Z}).
 *
 * <p>Failure: a setting this build cannot honour ({@code option_file}, {@code tls_CApath}
 * without {@code tls_CAfile}, a non-URI pgsql host without {@code dbname}) is a {@link
 * TableException} when the table is opened; text PostgreSQL cannot quote (a NUL) fails the
 * lookup.
 */
enum SqlDialect {
  PGSQL("pgsql", "postgresql", "org.postgresql.Driver", 5432,
      Set.of("encoding", "select_function")),
  MYSQL("mysql", "mariadb", "org.mariadb.jdbc.Driver", 3306,
      Set.of("charset", "option_file", "option_group", "require_result_set", "tls_cert_file",
          "tls_key_file", "tls_CAfile", "tls_CApath", "tls_ciphers", "tls_verify_cert"));

  /** Seconds a connection attempt or a query may take before the lookup fails. */
  static final int CONNECT_TIMEOUT = 5;
  static final int QUERY_TIMEOUT = 60;

  private final String type;
  private final String scheme;
  private final String driver;
  private final int defaultPort;
  private final Set<String> own;

  /** The parameters of every SQL table, in a holder: enum constants cannot read static fields. */
  private static final class Common {
    static final Set<String> NAMES = Set.of("hosts", "user", "password", "dbname", "query",
      "result_format", "domain", "expansion_limit", "table", "select_field", "where_field",
        "additional_conditions", "retry_interval", "idle_interval");
  }

  SqlDialect(String type, String scheme, String driver, int defaultPort, Set<String> own) {
    this.type = type;
    this.scheme = scheme;
    this.driver = driver;
    this.defaultPort = defaultPort;
    this.own = own;
  }

  String type() {
    return type;
  }

  String driver() {
    return driver;
  }

  int defaultPort() {
    return defaultPort;
  }

  Set<String> knownParameters() {
    return Stream.concat(Common.NAMES.stream(), own.stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Whether {@code hosts} is read as PostgreSQL reads it: URIs, socket directories. */
  boolean isPgsql() {
    return this == PGSQL;
  }

  /** The query template: {@code query}, pgsql's {@code select_function}, or the legacy fields. */
  String query(DbConfigFile cf) throws TableException {
    Optional<String> function = cf.find("select_function");
    if (this == PGSQL && cf.find("query").isEmpty() && function.isPresent()) {
      return "SELECT " + function.get() + "('%s')";
    }
    return DbCommon.sqlQuery(cf);
  }

  /** The JDBC URL of {@code host}. */
  String jdbcUrl(SqlHost host, DbConfigFile cf) {
    return host.jdbcUrl(scheme, cf.string("dbname", ""));
  }

  /** Checks what must hold before any connection: settings this build cannot honour. */
  void check(DbConfigFile cf, SqlHost host) throws TableException {
    if (cf.string("dbname", "").isEmpty() && !host.isUri()) {
      throw cf.problem("dbname", "host target '" + host.text() + "' requires dbname setting");
    }
    if (this == MYSQL && cf.find("option_file").isPresent()) {
      throw cf.problem("option_file", "MySQL option files are not read by Postern; put the"
          + " settings in this file");
    }
    if (this == MYSQL && cf.find("tls_CApath").isPresent() && cf.find("tls_CAfile").isEmpty()) {
      throw cf.problem("tls_CApath", "not supported by the MariaDB driver; use tls_CAfile");
    }
  }

  /** Driver properties: credentials, timeouts and TLS to the server. */
  Properties properties(DbConfigFile cf, SqlHost host) throws TableException {
    Properties p = new Properties();
    SqlHost.Credentials who = host.credentials().orElse(
        new SqlHost.Credentials(cf.string("user", ""), cf.string("password", "")));
    p.setProperty("user", who.user());
    p.setProperty("password", who.password());
    host.socket().ifPresent(socket -> unixSocket(p, socket.toString()));
    if (this == PGSQL) {
      p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT));
      p.setProperty("socketTimeout", Integer.toString(QUERY_TIMEOUT));
      p.setProperty("ApplicationName", "postern");
    } else {
      p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT * 1000));
      p.setProperty("socketTimeout", Integer.toString(QUERY_TIMEOUT * 1000));
      MysqlTls.configure(cf, p);
    }
    return p;
  }

  /** Connects through {@link UnixSockets} to {@code socket}, as libpq and libmysql would. */
  private void unixSocket(Properties p, String socket) {
    if (this == PGSQL) {
      p.setProperty("socketFactory", UnixSockets.Pgsql.class.getName());
      p.setProperty("socketFactoryArg", socket);
      p.setProperty("sslmode", "disable"); // libpq never asks for TLS over a local socket
    } else {
      p.setProperty("socketFactory", UnixSockets.Mysql.class.getName());
      p.setProperty(UnixSockets.PATH_PROPERTY, socket);
    }
  }

  /** The quoting of {@code connection}'s server. */
  Quoter quoter(Connection connection) {
    return this == PGSQL ? text -> pgsqlQuote(connection, text) : SqlDialect::mysqlQuote;
  }

  private static String pgsqlQuote(Connection connection, String text) throws TableException {
    try {
      return connection.unwrap(org.postgresql.core.BaseConnection.class).escapeString(text);
    } catch (SQLException e) {
      throw new TableException("cannot escape input string: " + e.getMessage(), e);
    }
  }

  static String mysqlQuote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\0' -> out.append("\\0");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '"' -> out.append("\\\"");
        case '\032' -> out.append("\\Z");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
