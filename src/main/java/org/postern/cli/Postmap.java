package org.postern.cli;

import java.util.List;
import org.postern.table.PostmapSource;

/**
 * postmap(1): builds lmdb: and cdb: tables from postmap source files ({@code key value} lines),
 * queries any table type with {@code -q key} or {@code -q -}, lists one with {@code -s}.
 * Options: {@code -c config_dir}, {@code -N} / {@code -n} (store keys and values with / without
 * a terminating NUL), {@code -q}, {@code -s}. An operand without {@code type:} takes
 * {@code default_database_type}.
 *
 * <p>Failure: {@code postmap: fatal: reason} and exit status 1, also when a query finds nothing.
 */
public final class Postmap {
  private Postmap() {}

  public static int run(List<String> args) {
    return run(args, null, TableCommand.Io.system());
  }

  /** As {@link #run(List)} with the type for operands without one given by the caller. */
  public static int run(List<String> args, String defaultDatabaseType) {
    return run(args, defaultDatabaseType, TableCommand.Io.system());
  }

  static int run(List<String> args, String defaultDatabaseType, TableCommand.Io io) {
    return new TableCommand("postmap", PostmapSource::read, io).run(args, defaultDatabaseType);
  }
}
