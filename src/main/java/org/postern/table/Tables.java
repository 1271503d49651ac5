package org.postern.table;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.table.db.SqlTable;
import org.postern.table.ldap.LdapTable;

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
          "cdb", "cidr", "inline", "ldap", "lmdb", "memcache", "mysql", "pcre", "pgsql",
          "regexp", "socketmap",
          "static", "tcp", "texthash");
  private static final Set<String> BERKELEY_DB_TYPES = Set.of("hash", "btree", "dbm", "sdbm");

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
      case "pgsql" -> SqlTable.pgsql(spec, name, warnings);
      case "mysql" -> SqlTable.mysql(spec, name, warnings);
      case "memcache" -> MemcacheTable.open(spec, name, true, warnings);
      case "ldap" -> LdapTable.open(spec, name, s -> open(s, warnings), warnings);
      case "proxy" -> open(name, warnings);
      default -> throw new TableException(unsupportedTypeText(type, name));
    };
  }

  /**
   * Why {@code type:name} cannot be opened, with the fix where there is one: Postfix's Berkeley
   * DB types are rebuilt as lmdb ({@link #berkeleyDbFix}); the database clients are not in this
   * build.
   */
  public static String unsupportedTypeText(String type, String name) {
    String text = "unsupported dictionary type: " + type;
    Optional<String> fix = berkeleyDbFix(type, name);
    if (fix.isPresent()) {
      return text + ": " + fix.get();
    }
    return switch (type) {
      case "sqlite", "mongodb" ->
          text + ": no " + type + " client in this build; use lmdb:, cdb: or a socketmap: service";
      default -> text;
    };
  }

  /**
   * What to do about a table of Postfix's Berkeley DB and dbm types ({@code hash:} and {@code
   * btree:} are Debian's defaults, as in {@code alias_maps = hash:/etc/aliases}), which Postern
   * does not read: rebuild the same source file as lmdb. Empty for any other type.
   */
  public static Optional<String> berkeleyDbFix(String type, String name) {
    if (!BERKELEY_DB_TYPES.contains(type)) {
      return Optional.empty();
    }
    return Optional.of("Postern does not read Berkeley DB files; rebuild with \"postmap lmdb:"
        + name + "\" (\"postalias lmdb:" + name + "\" for an aliases file), use lmdb:" + name
        + " in its place, and set default_database_type = lmdb so postmap and newaliases build"
        + " lmdb");
  }
}
