package org.postern.table.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.postern.table.TableException;

/**
 * One server of a {@code hosts} setting as the operator wrote it: {@code host}, {@code
 * host:port}, {@code inet:host:port}, {@code unix:/path}, or for pgsql: a PostgreSQL connection
 * URI ({@code postgresql://user:secret@db.example.com/mail?sslmode=verify-full}).
 *
 * <p>A {@code unix:} server is a UNIX-domain socket: for mysql: the socket itself, and {@code
 * localhost} is the server's default socket {@code /run/mysqld/mysqld.sock} (libmysql's "the MySQL
 * way"); for pgsql: any name that starts with {@code /}, with or without {@code unix:}, is the
 * directory that holds {@code .s.PGSQL.5432} (libpq's convention).
 *
 * <p>Failure: a port that is not a number from 1 to 65535 is a {@link TableException}.
 */
record SqlHost(String text, String host, int port, Optional<Credentials> credentials,
    String uriRest, Optional<Path> socket) {

  /** Where MariaDB and Debian's MySQL listen locally: what libmysql means by localhost. */
  static final String MYSQL_DEFAULT_SOCKET = "/run/mysqld/mysqld.sock";

  /** The user and password a connection URI carries; they win over {@code user}/{@code password}. */
  record Credentials(String user, String password) {}

  /** True for a pgsql: connection URI, which names its own database. */
  boolean isUri() {
    return !uriRest.isEmpty() || credentials.isPresent();
  }

  /**
   * Parses one word of {@code hosts}; {@code pgsql} for PostgreSQL, which also takes connection
   * URIs and names socket directories.
   */
  static SqlHost parse(String word, int defaultPort, boolean pgsql) throws TableException {
    if (pgsql && (word.startsWith("postgresql://") || word.startsWith("postgres://"))) {
      return uri(word, defaultPort);
    }
    String rest = word.startsWith("inet:") || word.startsWith("unix:") ? word.substring(5) : word;
    if (pgsql ? rest.startsWith("/") : word.startsWith("unix:")) {
      return unix(word, rest, defaultPort, pgsql);
    }
    if (!pgsql && rest.equalsIgnoreCase("localhost")) {
      return unix(word, MYSQL_DEFAULT_SOCKET, defaultPort, false);
    }
    int colon = rest.lastIndexOf(':');
    if (colon < 0 || rest.endsWith("]")) {
      return new SqlHost(word, strip(rest), defaultPort, Optional.empty(), "", Optional.empty());
    }
    return new SqlHost(word, strip(rest.substring(0, colon)), port(word, rest.substring(colon + 1)),
        Optional.empty(), "", Optional.empty());
  }

  private static SqlHost unix(String word, String path, int defaultPort, boolean pgsql) {
    if (!pgsql) {
      return new SqlHost(word, "localhost", defaultPort, Optional.empty(), "",
          Optional.of(Path.of(path)));
    }
    return new SqlHost(word, "localhost", defaultPort, Optional.empty(), "",
        Optional.of(Path.of(path, ".s.PGSQL." + defaultPort)));
  }

  /** {@code postgresql://[user[:password]@][host][:port][/dbname][?options]}. */
  private static SqlHost uri(String word, int defaultPort) throws TableException {
    String rest = word.substring(word.indexOf("://") + 3);
    int pathStart = firstOf(rest, "/?");
    String authority = rest.substring(0, pathStart);
    Optional<Credentials> credentials = Optional.empty();
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      credentials = Optional.of(colon < 0
          ? new Credentials(decode(userInfo), "")
          : new Credentials(decode(userInfo.substring(0, colon)),
              decode(userInfo.substring(colon + 1))));
      authority = authority.substring(at + 1);
    }
    String suffix = rest.substring(pathStart);
    if (suffix.isEmpty()) {
      suffix = "/";
    }
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || authority.endsWith("]")) {
      return new SqlHost(word, authority.isEmpty() ? "localhost" : authority, defaultPort,
          credentials, suffix, Optional.empty());
    }
    return new SqlHost(word, authority.substring(0, colon), port(word, authority.substring(colon + 1)),
        credentials, suffix, Optional.empty());
  }

  /** The JDBC URL of this server: {@code jdbc:<scheme>://host:port/<dbname>}. */
  String jdbcUrl(String scheme, String dbname) {
    String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String path = isUri() ? uriRest : "/" + dbname;
    return "jdbc:" + scheme + "://" + address + ":" + port + path;
  }

  private static int firstOf(String text, String chars) {
    for (int i = 0; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return text.length();
  }

  private static String strip(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static int port(String word, String text) throws TableException {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new TableException("host " + word + ": bad port number: \"" + text + "\"");
  }
}
