package org.postern.table.db;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;
import org.postern.util.ParameterList;

/**
 * {@code pgsql:/etc/postfix/file.cf} and {@code mysql:/etc/postfix/file.cf} (pgsql_table(5),
 * mysql_table(5)): the key, folded to lower case, is expanded into the {@code query} and sent to
 * one of the {@code hosts}; every column of every row found is expanded with {@code
 * result_format}, and the results are joined with commas. No row is "not found".
 *
 * <p>Servers: tried in random order; one that fails is skipped for {@code retry_interval}
 * seconds (default 60) while the others answer, unless it is the only one, which is taken for a
 * load balancer and retried at the next lookup, as in Postfix 3.10. Connections come from a pool
 * per file and server ({@link DbPools}).
 *
 * <p>Failure: a file that cannot be read or a setting that cannot be used stops the table from
 * opening, naming file, line and parameter. When no server answers, a query fails, a mysql:
 * query returns no result set while {@code require_result_set = yes}, or the results exceed
 * {@code expansion_limit}, the lookup is a {@link TableException}: Postfix's temporary failure
 * (4xx at RCPT, deferred delivery), never "not found".
 */
public final class SqlTable implements LookupTable {
  private final String spec;
  private final SqlDialect dialect;
  private final DbCommon common;
  private final List<Server> servers;
  private final Duration retryInterval;
  private final boolean requireResultSet;
  private final Consumer<String> warnings;

  /** One server and, after a failure, when it may be tried again (nanoTime). */
  private static final class Server {
    final SqlHost host;
    final DbPools.Settings settings;
    volatile long downUntil;
    volatile boolean down;

    Server(SqlHost host, DbPools.Settings settings) {
      this.host = host;
      this.settings = settings;
    }
  }

  private SqlTable(String spec, SqlDialect dialect, DbCommon common, List<Server> servers,
      Duration retryInterval, boolean requireResultSet, Consumer<String> warnings) {
    this.spec = spec;
    this.dialect = dialect;
    this.common = common;
    this.servers = servers;
    this.retryInterval = retryInterval;
    this.requireResultSet = requireResultSet;
    this.warnings = warnings;
  }

  /** Opens {@code pgsql:name} from its configuration file {@code name}. */
  public static SqlTable pgsql(String spec, String name, Consumer<String> warnings)
      throws TableException {
    return open(spec, SqlDialect.PGSQL, name, warnings);
  }

  /** Opens {@code mysql:name} from its configuration file {@code name}. */
  public static SqlTable mysql(String spec, String name, Consumer<String> warnings)
      throws TableException {
    return open(spec, SqlDialect.MYSQL, name, warnings);
  }

  private static SqlTable open(String spec, SqlDialect dialect, String name,
      Consumer<String> warnings) throws TableException {
    if (!name.startsWith("/") && !name.startsWith(".")) {
      throw new TableException("table " + spec + ": need the absolute path of a configuration"
          + " file (" + dialect.type() + "_table(5)); main.cf-style " + dialect.type()
          + " sources are not supported");
    }
    DbConfigFile cf = DbConfigFile.read(Path.of(name), dialect.knownParameters(), warnings);
    DbCommon common = DbCommon.parse(spec, cf, dialect.query(cf), Tables::open, warnings);
    Duration idle = Duration.ofSeconds(cf.integer("idle_interval", 60, 1, Integer.MAX_VALUE));
    Duration retry = Duration.ofSeconds(cf.integer("retry_interval", 60, 1, Integer.MAX_VALUE));
    List<Server> servers = new ArrayList<>();
    for (String word : hostWords(cf)) {
      SqlHost host;
      try {
        host = SqlHost.parse(word, dialect.defaultPort(), dialect.isPgsql());
      } catch (TableException e) {
        throw cf.problem("hosts", e.getMessage());
      }
      dialect.check(cf, host);
      String url = dialect.jdbcUrl(host, cf);
      servers.add(new Server(host, new DbPools.Settings(spec + " " + word, dialect.driver(), url,
          dialect.properties(cf, host), idle)));
    }
    boolean requireResultSet = cf.bool("require_result_set", true);
    return new SqlTable(spec, dialect, common, List.copyOf(servers), retry, requireResultSet,
        warnings);
  }

  private static List<String> hostWords(DbConfigFile cf) throws TableException {
    try {
      List<String> words = ParameterList.split(cf.string("hosts", ""), ", \t\r\n");
      return words.isEmpty() ? List.of("localhost") : words;
    } catch (IllegalArgumentException e) {
      throw cf.problem("hosts", e.getMessage());
    }
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public MatchStyle matchStyle() {
    return MatchStyle.FIXED;
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    String folded = key.toLowerCase(Locale.ROOT);
    if (!common.queried(folded) || common.query(folded, Quoter.NONE).isEmpty()) {
      return Optional.empty();
    }
    List<String> failures = new ArrayList<>();
    for (Server server : order()) {
      Optional<Optional<String>> answer = ask(server, folded, failures);
      if (answer.isPresent()) {
        return answer.get();
      }
    }
    throw new TableException("table " + spec + ": lookup of \"" + folded + "\" failed: "
        + (failures.isEmpty() ? "all servers are skipped after errors" : String.join("; ",
            failures)));
  }

  /** The servers to try now, in random order; those down for retry_interval left out. */
  private List<Server> order() {
    List<Server> up = new ArrayList<>();
    long now = System.nanoTime();
    for (Server s : servers) {
      if (!s.down || now - s.downUntil >= 0) {
        up.add(s);
      }
    }
    Collections.shuffle(up);
    return up;
  }

  /** The answer of {@code server}, or empty after a failure (noted in {@code failures}). */
  private Optional<Optional<String>> ask(Server server, String key, List<String> failures)
      throws TableException {
    for (int attempt = 0; ; attempt++) {
      HikariDataSource pool = DbPools.pool(server.settings);
      Connection c;
      try {
        c = pool.getConnection();
      } catch (SQLException e) {
        if (pool.isClosed() && attempt == 0) {
          continue; // closed by a reload during this lookup: once more with a new pool
        }
        return failed(server, "connect to " + dialect.type() + " server " + server.host.text()
            + ": " + cause(e), failures);
      }
      try (c; Statement st = c.createStatement()) {
        st.setQueryTimeout(SqlDialect.QUERY_TIMEOUT);
        Optional<String> query = common.query(key, dialect.quoter(c));
        Optional<String> value = query.isEmpty() ? Optional.empty() : run(st, query.get(), key);
        server.down = false;
        return Optional.of(value);
      } catch (SQLException e) {
        return failed(server, dialect.type() + " query failed: host " + server.host.text() + ": "
            + cause(e), failures);
      }
    }
  }

  private Optional<Optional<String>> failed(Server server, String failure, List<String> failures) {
    markDown(server);
    warnings.accept(spec + ": " + failure);
    failures.add(failure);
    return Optional.empty();
  }

  /** The driver's own words: the pool wraps them in a timeout message of its own. */
  private static String cause(SQLException e) {
    Throwable t = e;
    while (t.getCause() instanceof SQLException inner) {
      t = inner;
    }
    return t.getMessage();
  }

  private void markDown(Server server) {
    if (servers.size() == 1) {
      return;
    }
    server.downUntil = System.nanoTime() + retryInterval.toNanos();
    server.down = true;
  }

  private Optional<String> run(Statement st, String query, String key)
      throws SQLException, TableException {
    if (!st.execute(query)) {
      if (requireResultSet && dialect == SqlDialect.MYSQL) {
        throw new SQLException("query returned no result set (require_result_set = yes)");
      }
      return Optional.empty();
    }
    DbCommon.Results results = common.results(key);
    try (ResultSet rs = st.getResultSet()) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          results.add(rs.getString(i));
        }
      }
    }
    return results.value();
  }
}
