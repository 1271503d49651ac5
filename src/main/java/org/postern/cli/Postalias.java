package org.postern.cli;

import java.util.ArrayList;
import java.util.List;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.table.AliasSource;
import org.postern.util.ParameterList;

/**
 * postalias(1): builds lmdb: and cdb: alias databases from aliases(5) files, queries and lists
 * them as postmap(1) does; and newaliases, which is postalias run on every table in
 * {@code alias_database}.
 *
 * <p>Failure: {@code postalias: fatal: reason} and exit status 1, also when a query finds
 * nothing.
 */
public final class Postalias {
  private Postalias() {}

  public static int run(List<String> args) {
    return run(args, null, TableCommand.Io.system());
  }

  /** As {@link #run(List)} with the type for operands without one given by the caller. */
  public static int run(List<String> args, String defaultDatabaseType) {
    return run(args, defaultDatabaseType, TableCommand.Io.system());
  }

  static int run(List<String> args, String defaultDatabaseType, TableCommand.Io io) {
    return command(io).run(args, defaultDatabaseType);
  }

  /**
   * The newaliases command: rebuilds every table in main.cf's {@code alias_database} (from
   * {@code $MAIL_CONFIG} or the default configuration directory).
   */
  public static int runNewaliases(List<String> args) {
    TableCommand.Io io = TableCommand.Io.system();
    TableCommand command = new TableCommand("newaliases", AliasSource::read, io);
    if (!args.isEmpty()) {
      return command.fatal("usage: newaliases");
    }
    try {
      MainConfig config = TableCommand.config(null);
      return newaliases(
          ParameterList.split(config.get("alias_database")),
          TableCommand.configuredDatabaseType(null),
          io);
    } catch (ConfigException e) {
      return command.fatal(e.getMessage());
    }
  }

  /**
   * Rebuilds each alias table in {@code tableSpecs} ({@code [type:]file}, as listed in
   * {@code alias_database}); a spec without a type takes {@code defaultDatabaseType}.
   */
  public static int newaliases(List<String> tableSpecs, String defaultDatabaseType) {
    return newaliases(tableSpecs, defaultDatabaseType, TableCommand.Io.system());
  }

  static int newaliases(List<String> tableSpecs, String defaultDatabaseType, TableCommand.Io io) {
    if (tableSpecs.isEmpty()) {
      return 0;
    }
    List<String> operands = new ArrayList<>();
    operands.add("--");
    operands.addAll(tableSpecs);
    return new TableCommand("newaliases", AliasSource::read, io).run(operands, defaultDatabaseType);
  }

  private static TableCommand command(TableCommand.Io io) {
    return new TableCommand("postalias", AliasSource::read, io);
  }
}
