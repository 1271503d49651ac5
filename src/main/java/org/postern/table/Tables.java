package org.postern.table;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opens lookup tables by {@code type:name}, the one place that knows every table type (Postfix's
 * {@code dict_open()}).
 *
 * <p>Failure: an unknown type, a malformed name, an unreadable file or a bad rule is a
 * {@link TableException}; doubtful but usable lines are passed to the warning sink.
 */
public final class Tables {
  private static final System.Logger LOG = System.getLogger("org.postern.table");

  private static final List<String> TYPES =
      List.of(
          "cdb", "cidr", "inline", "lmdb", "pcre", "regexp", "socketmap", "static", "tcp",
          "texthash");

  private Tables() {}

  /** The supported type names, sorted, as {@code postconf -m} lists them. */
  public static List<String> supportedTypes() {
    return TYPES;
  }

  /** Opens {@code spec}; warnings about the table's source go to the JDK system logger. */
  public static LookupTable open(String spec) throws TableException {
    return open(spec, w -> LOG.log(System.Logger.Level.WARNING, w));
  }

  /** Opens {@code spec} ({@code type:name}), passing warnings to {@code warnings}. */
  public static LookupTable open(String spec, Consumer<String> warnings) throws TableException {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new TableException("table \"" + spec + "\": need type:name");
    }
    String type = spec.substring(0, colon);
    String name = spec.substring(colon + 1);
    if (name.isEmpty()) {
      throw new TableException("table \"" + spec + "\": need type:name");
    }
    return switch (type) {
      case "inline" -> MapTable.inline(spec, name);
      case "static" -> new StaticTable(spec, name);
      case "texthash" -> MapTable.texthash(spec, name, warnings);
      case "cidr" -> new CidrTable(spec, name);
      case "regexp" -> new RegexpTable(spec, name, RegexDialect.REGEXP);
      case "pcre" -> new RegexpTable(spec, name, RegexDialect.PCRE);
      case "lmdb" -> IndexedType.LMDB.open(spec, Path.of(name));
      case "cdb" -> IndexedType.CDB.open(spec, Path.of(name));
      case "socketmap" -> new SocketmapTable(spec, name, SocketmapTable.DEFAULT_TIMEOUT);
      case "tcp" -> new TcpTable(spec, name, TcpTable.DEFAULT_TIMEOUT);
      case "unix" -> UnixTable.open(spec, name);
      case "proxy" -> open(name, warnings);
      default -> throw new TableException(unsupportedTypeText(type, name));
    };
  }

  /**
   * Why {@code type:name} cannot be opened, with the fix: Postfix's Berkeley DB types are rebuilt
   * as {@code lmdb:}, the database clients are not in this build.
   */
  public static String unsupportedTypeText(String type, String name) {
    String text = "unsupported dictionary type: " + type;
    return switch (type) {
      case "hash", "btree", "dbm", "sdbm" -> text + " (Berkeley DB is not available: rebuild the"
          + " table with \"postmap lmdb:" + name + "\" and name it lmdb:" + name
          + ", or set default_database_type = lmdb)";
      case "pgsql", "mysql", "ldap", "memcache", "sqlite", "mongodb" -> text
          + " (no " + type + " client in this build: use lmdb:, cdb: or a socketmap: service)";
      default -> text;
    };
  }
}
