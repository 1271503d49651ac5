package org.postern.table.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection pools of the database tables in this process, one per table configuration file
 * and server, shared by every service of one master: the smtpd that checks a recipient and the
 * cleanup that rewrites it use the same connections. A pool opens no connection until a lookup
 * needs one and keeps none that have been idle for the table's {@code idle_interval}.
 *
 * <p>The master calls {@link #closeAll} on reload and stop: a reload may have changed a
 * configuration file, and the next lookup opens a fresh pool from the file as it is now.
 *
 * <p>Failure: a pool never fails to open; a server that does not answer fails the lookup that
 * asked, after the connect timeout.
 */
public final class DbPools {
  /**
   * How one pool connects: what a table's configuration file says about one server; the name
   * ({@code type:file host}) is for diagnostics.
   */
  record Settings(String name, String driver, String url, Properties properties,
      Duration idle) {}

  /**
   * Keyed by all the settings: a table still open from before a reload never shares a pool with
   * its successor read from a changed file.
   */
  private static final Map<Settings, HikariDataSource> POOLS = new ConcurrentHashMap<>();
  private static final int SIZE = 8;

  private DbPools() {}

  /** The pool for {@code settings}, opened on first use. */
  static HikariDataSource pool(Settings settings) {
    return POOLS.computeIfAbsent(settings, DbPools::open);
  }

  private static HikariDataSource open(Settings s) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("postern " + s.name());
    c.setDriverClassName(s.driver());
    c.setJdbcUrl(s.url());
    c.setDataSourceProperties(s.properties());
    c.setMinimumIdle(0);
    c.setMaximumPoolSize(SIZE);
    c.setIdleTimeout(Math.max(s.idle().toMillis(), Duration.ofSeconds(10).toMillis()));
    c.setConnectionTimeout(Duration.ofSeconds(SqlDialect.CONNECT_TIMEOUT).toMillis());
    // Open without a connection: a server that is down at start must not stop the service.
    c.setInitializationFailTimeout(-1);
    return new HikariDataSource(c);
  }

  /** Closes every pool; lookups after this open new ones. */
  public static void closeAll() {
    List<HikariDataSource> open = new ArrayList<>();
    for (Settings settings : List.copyOf(POOLS.keySet())) {
      HikariDataSource pool = POOLS.remove(settings);
      if (pool != null) {
        open.add(pool);
      }
    }
    open.forEach(HikariDataSource::close);
  }
}
