package org.postern.table.db;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.table.DomainList;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

/**
 * What the database tables share (Postfix's db_common): the {@code query} template a lookup key
 * is expanded into, the {@code result_format} each value found is expanded with, the {@code
 * domain} list that limits which keys are queried at all, and the {@code expansion_limit}.
 *
 * <p>Template escapes: {@code %%} a percent sign; {@code %s} the key (in {@code result_format},
 * the value found); {@code %u} its local part, or all of it when it has no {@code @}; {@code %d}
 * its domain; {@code %S}, {@code %U}, {@code %D} the lookup key, its local part and domain, also
 * in {@code result_format}; {@code %1} to {@code %9} the labels of the key's domain counted from
 * the right ({@code %1} is the top-level domain). Every escape the query uses is quoted with the
 * database's {@link Quoter}; result escapes are not. A key that lacks what a template needs (no
 * domain for {@code %d}, an empty local part for {@code %u}, fewer labels than {@code %3}) is not
 * queried and is not found, as in Postfix; a value that lacks what {@code result_format} needs
 * is skipped. The needs of both templates count for the query: a {@code result_format} that
 * uses {@code %D} keeps domain-less keys from being queried.
 *
 * <p>Failure: an unknown escape in either template, or a {@code %} at the end, is a {@link
 * TableException} when the table is opened, naming file, line and parameter. More values than
 * {@code expansion_limit} (when not 0) is a lookup error, as are errors from the {@code domain}
 * list's tables. An empty value is skipped with a warning.
 */
public final class DbCommon {
  /** What a template needs from the key or the value. */
  private enum Need {
    KEY_DOMAIN,
    KEY_USER,
    VALUE_DOMAIN,
    VALUE_USER
  }

  private final String label;
  private final String query;
  private final String resultFormat;
  private final Set<Need> needs;
  private final int labels;
  private final Optional<DomainList> domain;
  private final int expansionLimit;
  private final Consumer<String> warnings;

  private DbCommon(String label, String query, String resultFormat, Set<Need> needs, int labels,
      Optional<DomainList> domain, int expansionLimit, Consumer<String> warnings) {
    this.label = label;
    this.query = query;
    this.resultFormat = resultFormat;
    this.needs = needs;
    this.labels = labels;
    this.domain = domain;
    this.expansionLimit = expansionLimit;
    this.warnings = warnings;
  }

  /**
   * The query context of table {@code label} ({@code pgsql:/etc/postfix/x.cf}): {@code query} as
   * the table type built it, {@code result_format}, {@code domain} and {@code expansion_limit}
   * from {@code cf}; tables in the {@code domain} list are opened with {@code opener}.
   */
  public static DbCommon parse(String label, DbConfigFile cf, String query, TableOpener opener,
      Consumer<String> warnings) throws TableException {
    return parse(label, cf, "query", query, opener, warnings);
  }

  /**
   * As {@link #parse(String, DbConfigFile, String, TableOpener, Consumer)}, for a table type whose
   * query template is named otherwise ({@code query_filter} in ldap_table(5)), so that errors name
   * the parameter the operator wrote.
   */
  public static DbCommon parse(String label, DbConfigFile cf, String queryParameter, String query,
      TableOpener opener, Consumer<String> warnings) throws TableException {
    Set<Need> needs = EnumSet.noneOf(Need.class);
    int labels = Math.max(scan(cf, queryParameter, query, true, needs),
        scan(cf, "result_format", cf.string("result_format", "%s"), false, needs));
    String domainValue = cf.string("domain", "");
    Optional<DomainList> domain = domainValue.isBlank()
        ? Optional.empty()
        : Optional.of(DomainList.parse("domain", domainValue, DomainList.Style.EXACT, opener));
    int limit = cf.integer("expansion_limit", 0, 0, Integer.MAX_VALUE);
    return new DbCommon(label, query, cf.string("result_format", "%s"), needs, labels, domain,
        limit, warnings);
  }

  /**
   * The SQL query of a pgsql: or mysql: table: {@code query} when set, else Postfix's legacy
   * form {@code SELECT select_field FROM table WHERE where_field='%s' additional_conditions}.
   */
  public static String sqlQuery(DbConfigFile cf) throws TableException {
    Optional<String> query = cf.find("query");
    if (query.isPresent()) {
      return query.get();
    }
    return "SELECT " + cf.required("select_field") + " FROM " + cf.required("table")
        + " WHERE " + cf.required("where_field") + "='%s' "
        + cf.string("additional_conditions", "");
  }

  /** Checks one template's escapes, adds its needs; the highest {@code %1-%9} it uses. */
  private static int scan(DbConfigFile cf, String parameter, String template, boolean isQuery,
      Set<Need> needs) throws TableException {
    int labels = 0;
    for (int i = 0; i < template.length(); i++) {
      if (template.charAt(i) != '%') {
        continue;
      }
      char c = ++i < template.length() ? template.charAt(i) : '\0';
      switch (c) {
        case '%', 's', 'S' -> { }
        case 'u' -> needs.add(isQuery ? Need.KEY_USER : Need.VALUE_USER);
        case 'd' -> needs.add(isQuery ? Need.KEY_DOMAIN : Need.VALUE_DOMAIN);
        case 'U' -> needs.add(Need.KEY_USER);
        case 'D' -> needs.add(Need.KEY_DOMAIN);
        case '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
          needs.add(Need.KEY_DOMAIN);
          labels = Math.max(labels, c - '0');
        }
        default -> throw cf.problem(parameter, "invalid " + (isQuery ? "query" : "result")
            + " template: \"" + template + "\"");
      }
    }
    return labels;
  }

  /**
   * Whether {@code key} may be queried: always without a {@code domain} list; with one, only an
   * address with a local part whose domain is in the list.
   */
  public boolean queried(String key) throws TableException {
    if (domain.isEmpty()) {
      return true;
    }
    int at = key.lastIndexOf('@');
    return at > 0 && domain.get().matches(key.substring(at + 1));
  }

  /** The query for {@code key}, quoted with {@code quoter}; empty when the key lacks a part. */
  public Optional<String> query(String key, Quoter quoter) throws TableException {
    StringBuilder out = new StringBuilder();
    return expand(query, key, null, quoter, out) ? Optional.of(out.toString()) : Optional.empty();
  }

  /** Collects the values one lookup of {@code key} found, as {@code result_format} says. */
  public Results results(String key) {
    return new Results(key);
  }

  /** The expanded values of one lookup, joined with commas as Postfix joins them. */
  public final class Results {
    private final String key;
    private final StringBuilder out = new StringBuilder();
    private int expansions;

    private Results(String key) {
      this.key = key;
    }

    /** Adds one value found; a null (SQL NULL) is skipped. */
    public void add(String value) throws TableException {
      if (value == null || !expand(resultFormat, value, key, Quoter.NONE, out)) {
        return;
      }
      if (expansionLimit > 0 && ++expansions > expansionLimit) {
        throw new TableException(label + ": Expansion limit exceeded for key: '" + key + "'");
      }
    }

    /** The joined value, empty when nothing was found. */
    public Optional<String> value() {
      return out.isEmpty() ? Optional.empty() : Optional.of(out.toString());
    }
  }

  /**
   * Expands {@code format} with {@code value} (the key for a query, a value found for a result)
   * and, for a result, the lookup {@code key}; appends to {@code out} after a comma when it holds
   * text already. False when a part the templates need is missing.
   */
  private boolean expand(String format, String value, String key, Quoter quoter,
      StringBuilder out) throws TableException {
    if (value.isEmpty()) {
      warnings.accept(key != null
          ? "table \"" + label + "\": empty lookup result for: \"" + key + "\" -- ignored"
          : "table \"" + label + "\": empty query string -- ignored");
      return false;
    }
    boolean isResult = key != null;
    Address v = new Address(value);
    Address k = isResult ? new Address(key) : v;
    if (isResult && v.lacks(needs.contains(Need.VALUE_DOMAIN), needs.contains(Need.VALUE_USER))) {
      return false;
    }
    if (k.lacks(needs.contains(Need.KEY_DOMAIN), needs.contains(Need.KEY_USER))) {
      if (isResult) {
        warnings.accept(label + ": lookup key '" + key + "' skipped after query");
      }
      return false;
    }
    List<String> parts = labels > 0 ? k.labels() : List.of();
    if (parts.size() < labels) {
      return false;
    }
    if (!out.isEmpty()) {
      out.append(',');
    }
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      c = format.charAt(++i);
      out.append(switch (c) {
        case '%' -> "%";
        case 's' -> quoter.quote(value);
        case 'u' -> quoter.quote(v.user());
        case 'd' -> quoter.quote(v.domain());
        case 'S' -> quoter.quote(k.text());
        case 'U' -> quoter.quote(k.user());
        case 'D' -> quoter.quote(k.domain());
        default -> quoter.quote(parts.get(parts.size() - (c - '0')));
      });
    }
    return true;
  }

  /** A key or value split at its last {@code @}. */
  private record Address(String text, int at) {
    Address(String text) {
      this(text, text.lastIndexOf('@'));
    }

    boolean lacks(boolean needsDomain, boolean needsUser) {
      return (needsDomain && (at < 0 || at == text.length() - 1)) || (needsUser && at == 0);
    }

    String user() {
      return at < 0 ? text : text.substring(0, at);
    }

    String domain() {
      return at < 0 ? "" : text.substring(at + 1);
    }

    /** The domain's labels, empty ones dropped as Postfix's splitting drops them. */
    List<String> labels() {
      return Arrays.stream(domain().split("\\.")).filter(s -> !s.isEmpty()).toList();
    }
  }
}
