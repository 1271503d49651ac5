package org.postern.master;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.config.ParameterSupport;
import org.postern.table.Tables;
import org.postern.util.ParameterList;

/**
 * The lookup tables that main.cf and master.cf {@code -o} settings name, checked the way {@code
 * postern check} needs them: every {@code type:name} in a value (a {@code *_maps} list, a {@code
 * check_*_access} in a restriction list, a policy table) whose type Postfix knows must be a type
 * this build opens, and a file-based table's file must exist. Found in one pass over every
 * setting, not one per start-up attempt.
 *
 * <p>Only explicit settings are audited: a default that names a missing file (Postfix's {@code
 * /etc/aliases}) fails where it is used, at delivery, as in Postfix. The tables of {@code
 * alias_database} are rebuilt from their source by every start, so for those only the source
 * file must exist.
 */
final class TableAudit {
  /** Postfix's dictionary types (dict_open.c and its plugins), so that {@code host:port} is not one. */
  private static final Set<String> POSTFIX_TYPES = Set.of(
      "btree", "cdb", "cidr", "dbm", "environ", "fail", "hash", "inline", "internal", "ldap", "lmdb",
      "memcache", "mongodb", "mysql", "netinfo", "nis", "nisplus", "pcre", "pgsql", "pipemap",
      "proxy", "randmap", "regexp", "sdbm", "socketmap", "sqlite", "static", "tcp", "texthash",
      "unionmap", "unix");

  /** Types that read a file of the table's name, and the suffix of that file. */
  private static final Map<String, String> FILE_SUFFIX = Map.of(
      "lmdb", ".lmdb", "cdb", ".cdb", "cidr", "", "pcre", "", "regexp", "", "texthash", "",
      "pgsql", "", "mysql", "", "ldap", "", "memcache", "");

  private static final String TABLE = "table \"";

  private TableAudit() {}

  /** Audits the main.cf settings of {@code config}; problems go to {@code problems}. */
  static void mainCf(MainConfig config, Consumer<ConfigException> problems) {
    for (String name : config.explicit().keySet()) {
      audit(config, name, null, problems);
    }
  }

  /** Audits the {@code -o} settings of {@code service}, as {@code view} sees them. */
  static void overrides(MainConfig view, MasterService service, Consumer<ConfigException> problems) {
    for (String name : service.overrides().keySet()) {
      audit(view, name, service, problems);
    }
  }

  /** The reason part of a problem this audit reported: what opening the table would say. */
  static String reason(ConfigException problem) {
    String m = problem.getMessage();
    int table = m.indexOf(TABLE);
    int end = table < 0 ? -1 : m.indexOf("\": ", table + TABLE.length());
    return end < 0 ? m : m.substring(end + 3);
  }

  private static void audit(MainConfig config, String name, MasterService source,
      Consumer<ConfigException> problems) {
    if (ParameterSupport.of(name).level() != ParameterSupport.Level.SUPPORTED
        || config.spec(name).isEmpty()) {
      return;
    }
    List<String> items;
    Set<String> rebuilt;
    try {
      items = ParameterList.split(config.get(name));
      rebuilt = Set.copyOf(ParameterList.split(config.get("alias_database")));
    } catch (RuntimeException e) {
      return; // a malformed value is reported by the value check
    }
    for (String item : items) {
      String why = rebuilt.contains(item) ? sourceProblem(item) : tableProblem(item);
      if (why != null) {
        problems.accept(config.problem(name, source, TABLE + item + "\": " + why));
      }
    }
  }

  /** Null when the source file of alias database {@code item} exists (start indexes it). */
  private static String sourceProblem(String item) {
    int colon = item.indexOf(':');
    Path source = Path.of(colon < 0 ? item : item.substring(colon + 1));
    String type = colon < 0 ? "" : item.substring(0, colon);
    if (!type.isEmpty() && !Tables.supportedTypes().contains(type)) {
      return tableProblem(item);
    }
    return Files.exists(source) ? null : source + ": no such file (the aliases source of newaliases)";
  }

  /** Null when {@code item} is not a table, or a table this build can open. */
  private static String tableProblem(String item) {
    int colon = item.indexOf(':');
    if (colon <= 0 || item.startsWith("{")) {
      return null;
    }
    String type = item.substring(0, colon);
    String name = item.substring(colon + 1);
    if (!POSTFIX_TYPES.contains(type)) {
      return null;
    }
    if (type.equals("proxy")) {
      return tableProblem(name);
    }
    if (!Tables.supportedTypes().contains(type) && !type.equals("unix")) {
      return Tables.unsupportedTypeText(type, name);
    }
    String suffix = FILE_SUFFIX.get(type);
    if (suffix != null && !name.startsWith("{")) {
      Path file = Path.of(name + suffix);
      if (!Files.exists(file)) {
        return file + ": no such file" + (suffix.isEmpty() ? "" : " (build it with \"postmap " + type + ":" + name + "\")");
      }
    }
    return null;
  }
}
