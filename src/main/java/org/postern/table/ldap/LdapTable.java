package org.postern.table.ldap;

import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;
import org.postern.table.db.DbCommon;
import org.postern.table.db.DbConfigFile;

/**
 * {@code ldap:/etc/postfix/file.cf} (ldap_table(5)): a lookup is one LDAP search, {@code
 * query_filter} under {@code search_base} with the lookup key (lower-cased) in place of {@code
 * %s %u %d %[SUD] %[1-9]}, quoted by RFC 4515 in the filter and RFC 4514 in the base, in {@code
 * scope} ({@code sub}, {@code one}, {@code base}), at most {@code size_limit} entries, aliases
 * dereferenced as {@code dereference} (0-3) says. The values of the entries' result attributes
 * ({@link LdapResults}) are expanded by {@code result_format} and joined with commas, at most
 * {@code expansion_limit} of them. A {@code domain} list limits which keys are searched for at
 * all. The connection ({@link LdapConnector}) is opened at the first lookup, kept, and opened
 * again once when it is found lost.
 *
 * <p>Failure: a bad configuration file is a {@link TableException} when the table is opened.
 * No server reachable, a refused bind, a search error or time-out, a {@code search_base} that does
 * not exist (unless it depends on the key), too many entries or values: a TableException, which
 * callers turn into Postfix's temporary failure (4xx, deferred), never "not found".
 */
public final class LdapTable implements LookupTable {
  private static final Set<String> PARAMETERS = Set.of("server_host", "server_port", "timeout",
      "search_base", "query_filter", "result_format", "result_filter", "domain",
      "result_attribute", "special_result_attribute", "terminal_result_attribute",
      "leaf_result_attribute", "scope", "bind", "bind_dn", "bind_pw", "cache", "cache_expiry",
      "cache_size", "recursion_limit", "expansion_limit", "size_limit", "dereference",
      "chase_referrals", "version", "debuglevel", "start_tls", "tls_ca_cert_dir",
      "tls_ca_cert_file", "tls_cert", "tls_key", "tls_require_cert", "tls_random_file",
      "tls_cipher_suite");

  private final String spec;
  private final String label;
  private final MatchStyle matchStyle;
  private final DbCommon base;
  private final DbCommon filter;
  private final boolean dynamicBase;
  private final SearchScope scope;
  private final DereferencePolicy dereference;
  private final int sizeLimit;
  private final Duration timeout;
  private final LdapConnector connector;
  private final LdapResults results;
  private final Consumer<String> warnings;
  private final ReentrantLock lock = new ReentrantLock();
  private LDAPConnection connection;

  private LdapTable(String spec, DbConfigFile cf, TableOpener opener, Consumer<String> warnings)
      throws TableException {
    this.spec = spec;
    this.label = "table " + spec;
    this.warnings = warnings;
    String searchBase = cf.string("search_base", "");
    String query = cf.string("query_filter", "(mailacceptinggeneralid=%s)");
    this.base = DbCommon.parse(spec, cf, searchBase, opener, warnings);
    this.filter = DbCommon.parse(spec, cf, query, opener, warnings);
    this.dynamicBase = searchBase.contains("%");
    if (!query.contains("%")) {
      warnings.accept(spec + ": Fixed query_filter " + query + " is probably useless");
    }
    this.matchStyle = (searchBase + query).matches("(?s).*%[udUD1-9].*")
        ? MatchStyle.PATTERN : MatchStyle.FIXED;
    this.scope = scope(spec, cf.string("scope", "sub"), warnings);
    this.dereference = dereference(spec, cf.integer("dereference", 0, 0, Integer.MAX_VALUE),
        warnings);
    int expansionLimit = cf.integer("expansion_limit", 0, 0, Integer.MAX_VALUE);
    this.sizeLimit = cf.integer("size_limit", expansionLimit, 0, Integer.MAX_VALUE);
    this.timeout = Duration.ofSeconds(cf.integer("timeout", 10, 0, Integer.MAX_VALUE));
    for (String ignored : List.of("cache", "cache_expiry", "cache_size")) {
      if (cf.find(ignored).isPresent()) {
        warnings.accept(spec + " ignoring " + ignored);
      }
    }
    this.connector = LdapConnector.configure(label, cf, timeout, warnings);
    LdapResults.Attributes attributes = new LdapResults.Attributes(
        LdapResults.Attributes.split(cf.string("terminal_result_attribute", "")),
        LdapResults.Attributes.split(cf.string("leaf_result_attribute", "")),
        LdapResults.Attributes.split(cf.string("result_attribute", "maildrop")),
        LdapResults.Attributes.split(cf.string("special_result_attribute", "")));
    this.results = new LdapResults(label, attributes,
        cf.integer("recursion_limit", 1000, 1, Integer.MAX_VALUE), sizeLimit, this::search,
        warnings);
  }

  /** Opens {@code spec} ({@code ldap:name}); tables in its {@code domain} list via {@code opener}. */
  public static LdapTable open(String spec, String name, TableOpener opener,
      Consumer<String> warnings) throws TableException {
    DbConfigFile cf = DbConfigFile.read(Path.of(name), PARAMETERS, warnings);
    return new LdapTable(spec, cf, opener, warnings);
  }

  private static SearchScope scope(String spec, String value, Consumer<String> warnings) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "one" -> SearchScope.ONE;
      case "base" -> SearchScope.BASE;
      case "sub" -> SearchScope.SUB;
      default -> {
        warnings.accept(spec + ": Unrecognized value " + value + " specified for scope; using sub");
        yield SearchScope.SUB;
      }
    };
  }

  private static DereferencePolicy dereference(String spec, int value, Consumer<String> warnings) {
    return switch (value) {
      case 0 -> DereferencePolicy.NEVER;
      case 1 -> DereferencePolicy.SEARCHING;
      case 2 -> DereferencePolicy.FINDING;
      case 3 -> DereferencePolicy.ALWAYS;
      default -> {
        warnings.accept(spec + " Unrecognized value " + value
            + " specified for dereference; using 0");
        yield DereferencePolicy.NEVER;
      }
    };
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public MatchStyle matchStyle() {
    return matchStyle;
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    String folded = key.toLowerCase(Locale.ROOT);
    if (!filter.queried(folded)) {
      return Optional.empty();
    }
    Optional<String> b = base.query(folded, LdapQuoting::dnValue);
    Optional<String> f = b.isEmpty() ? Optional.empty()
        : filter.query(folded, LdapQuoting::filterValue);
    if (f.isEmpty()) {
      return Optional.empty();
    }
    List<SearchResultEntry> found;
    try {
      found = search(b.get(), scope, f.get(), results.requested());
    } catch (LDAPException e) {
      if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT && dynamicBase) {
        return Optional.empty();
      }
      if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
        throw new TableException(label + ": Search base '" + b.get() + "' not found: "
            + LdapConnector.text(e), e);
      }
      throw new TableException(label + ": Search error " + e.getResultCode().intValue() + ": "
          + LdapConnector.text(e), e);
    }
    DbCommon.Results values = filter.results(folded);
    results.collect(found, values::add);
    return values.value();
  }

  /**
   * One search on the kept connection; a connection found lost is opened again and the search
   * tried once more, as Postfix does. Any other error drops the connection, so the next lookup
   * starts afresh.
   */
  private List<SearchResultEntry> search(String searchBase, SearchScope searchScope,
      String searchFilter, List<String> attrs) throws LDAPException, TableException {
    Filter parsed = Filter.create(searchFilter.startsWith("(") ? searchFilter
        : "(" + searchFilter + ")");
    SearchRequest request = new SearchRequest(searchBase, searchScope, dereference, sizeLimit,
        (int) timeout.toSeconds(), false, parsed, attrs.toArray(String[]::new));
    request.setResponseTimeoutMillis(timeout.toMillis());
    LDAPConnection c = connection(false);
    try {
      return c.search(request).getSearchEntries();
    } catch (LDAPException e) {
      if (ResultCode.isConnectionUsable(e.getResultCode())) {
        if (e.getResultCode() != ResultCode.NO_SUCH_OBJECT) {
          drop();
        }
        throw e;
      }
      warnings.accept(label + ": Lost connection for LDAP source, reopening");
    }
    try {
      return connection(true).search(request).getSearchEntries();
    } catch (LDAPException e) {
      drop();
      throw e;
    }
  }

  /** The kept connection; a new one when there is none or {@code fresh} asks for one. */
  private LDAPConnection connection(boolean fresh) throws TableException {
    lock.lock();
    try {
      if (fresh) {
        drop();
      }
      if (connection == null) {
        connection = connector.connect(warnings);
      }
      return connection;
    } finally {
      lock.unlock();
    }
  }

  private void drop() {
    lock.lock();
    try {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    drop();
  }
}
