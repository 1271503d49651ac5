package org.postern.table.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.postern.table.TableException;

/**
 * Turns the entries an ldap: search found into values, as ldap_table(5) describes the result
 * attributes: values of {@code result_attribute} are taken; the DNs and LDAP URLs in {@code
 * special_result_attribute} are searched in turn (a DN as a base search, a URL with its own
 * base, scope and filter) up to {@code recursion_limit} deep; an entry with a value in {@code
 * terminal_result_attribute} gives only those values and is not expanded further; {@code
 * leaf_result_attribute} values are taken only from entries that are not expanded (have no
 * special attribute values). Attribute names match without regard to case, and an attribute
 * returned with options ({@code mail;lang-en}) matches the table's plain name. Each value goes
 * to a {@link Sink} (result_format, expansion_limit).
 *
 * <p>Failure: more than {@code size_limit} entries from one search, a search error, a
 * malformed URL, or a recursion deeper than {@code recursion_limit} is a {@link TableException}:
 * the lookup's temporary failure. A referenced DN that does not exist is skipped with a warning,
 * as in Postfix.
 */
final class LdapResults {
  /** Where values go: result_format expansion and expansion_limit. */
  interface Sink {
    void add(String value) throws TableException;
  }

  /** One search on the table's connection; entries of a successful search. */
  interface Search {
    List<SearchResultEntry> run(String base, SearchScope scope, String filter, List<String> attrs)
        throws LDAPException, TableException;
  }

  /** The four attribute lists, in the order Postfix keeps them: terminal, leaf, result, special. */
  record Attributes(List<String> terminal, List<String> leaf, List<String> result,
      List<String> special) {

    static List<String> split(String value) {
      return value.isBlank() ? List.of() : List.of(value.trim().split("[,\\s]+"));
    }

    List<String> all() {
      List<String> all = new ArrayList<>(terminal);
      all.addAll(leaf);
      all.addAll(result);
      all.addAll(special);
      return all;
    }
  }

  private final String label;
  private final Attributes attributes;
  private final List<String> requested;
  private final int recursionLimit;
  private final int sizeLimit;
  private final Search search;
  private final Consumer<String> warnings;

  LdapResults(String label, Attributes attributes, int recursionLimit, int sizeLimit,
      Search search, Consumer<String> warnings) {
    this.label = label;
    this.attributes = attributes;
    this.requested = attributes.all();
    this.recursionLimit = recursionLimit;
    this.sizeLimit = sizeLimit;
    this.search = search;
    this.warnings = warnings;
  }

  /** The attributes every search asks for. */
  List<String> requested() {
    return requested;
  }

  /** Collects the values of {@code entries}, found by the top-level search, into {@code sink}. */
  void collect(List<SearchResultEntry> entries, Sink sink) throws TableException {
    collect(entries, sink, 1);
  }

  private void collect(List<SearchResultEntry> entries, Sink sink, int depth)
      throws TableException {
    if (sizeLimit > 0 && entries.size() > sizeLimit) {
      throw new TableException(label + ": Query size limit (" + sizeLimit + ") exceeded");
    }
    for (SearchResultEntry entry : entries) {
      collectEntry(entry, sink, depth);
    }
  }

  private void collectEntry(SearchResultEntry entry, Sink sink, int depth) throws TableException {
    int terminals = attributes.terminal().size();
    int leaves = attributes.leaf().size();
    int plain = terminals + leaves + attributes.result().size();
    boolean terminal = attributes.terminal().stream().anyMatch(a -> hasValues(entry, a));
    boolean leaf = terminal || leaves == 0
        || attributes.special().stream().noneMatch(a -> hasValues(entry, a));
    for (Attribute attribute : entry.getAttributes()) {
      String[] values = attribute.getValues();
      if (values.length == 0) {
        continue;
      }
      int i = index(attribute.getName());
      if (i < plain || terminal) {
        boolean skipped = (terminal && i >= terminals) || (!leaf && i < terminals + leaves);
        if (!skipped) {
          for (String v : values) {
            sink.add(v);
          }
        }
      } else if (i < requested.size()) {
        if (depth >= recursionLimit) {
          throw new TableException(label + ": Recursion limit exceeded for special attribute "
              + attribute.getName() + "=" + values[0]);
        }
        for (String v : values) {
          expand(v, sink, depth);
        }
      }
    }
  }

  /** Follows one special attribute value: a DN or an LDAP URL. */
  private void expand(String value, Sink sink, int depth) throws TableException {
    String base;
    SearchScope scope;
    String filter;
    List<String> attrs;
    if (isUrl(value)) {
      LDAPURL url;
      try {
        url = new LDAPURL(value);
      } catch (LDAPException e) {
        throw new TableException(label + ": malformed URL " + value + ": "
            + e.getDiagnosticMessage(), e);
      }
      attrs = urlAttributes(url.getAttributes());
      if (attrs.isEmpty()) {
        return;
      }
      base = url.getBaseDN().toString();
      scope = url.getScope();
      filter = url.getFilter().toString();
    } else {
      base = value;
      scope = SearchScope.BASE;
      filter = "(objectclass=*)";
      attrs = requested;
    }
    List<SearchResultEntry> found;
    try {
      found = search.run(base, scope, filter, attrs);
    } catch (LDAPException e) {
      if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
        warnings.accept(label + ": DN " + value + " not found, skipping");
        return;
      }
      throw new TableException(label + ": search error " + e.getResultCode().intValue() + ": "
          + LdapConnector.text(e), e);
    }
    collect(found, sink, depth + 1);
  }

  private static boolean isUrl(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    return v.startsWith("ldap://") || v.startsWith("ldaps://") || v.startsWith("ldapi://");
  }

  /**
   * The attributes to ask for with a URL: all the table's when the URL names none, else those
   * both name, the more specific of the two when they differ only in options.
   */
  private List<String> urlAttributes(String[] urlAttrs) {
    if (urlAttrs.length == 0) {
      return requested;
    }
    List<String> out = new ArrayList<>();
    for (String u : urlAttrs) {
      for (String t : requested) {
        int rel = subtype(u, t);
        if (rel > 0) {
          out.add(t);
        } else if (rel < 0) {
          out.add(u);
        }
      }
    }
    return out;
  }

  private boolean hasValues(SearchResultEntry entry, String name) {
    return entry.getAttributes().stream()
        .anyMatch(a -> subtype(name, a.getName()) > 0 && a.getValues().length > 0);
  }

  /** The first requested attribute that {@code returned} is, or is a subtype of. */
  private int index(String returned) {
    for (int i = 0; i < requested.size(); i++) {
      if (subtype(requested.get(i), returned) > 0) {
        return i;
      }
    }
    return requested.size();
  }

  /**
   * 1 when {@code b} is {@code a} or {@code a} with options, -1 when {@code a} is {@code b} with
   * options, 0 for different attributes. Names compare without regard to case (RFC 4512).
   */
  static int subtype(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length()
        && Character.toLowerCase(a.charAt(n)) == Character.toLowerCase(b.charAt(n))) {
      n++;
    }
    if (n == a.length() && (n == b.length() || b.charAt(n) == ';')) {
      return 1;
    }
    if (n == b.length() && a.charAt(n) == ';') {
      return -1;
    }
    return 0;
  }
}
