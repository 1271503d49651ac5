package org.postern.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.util.ParameterList;

/**
 * One address mapping parameter (canonical_maps, virtual_alias_maps, sender_bcc_maps, ...): its tables, asked as
 * Postfix's mail_addr_map asks them. For {@code user+ext@domain} the keys are, in order,
 * {@code user+ext@domain}, {@code user@domain}, then {@code user+ext} and {@code user} when the
 * domain is local ($mydestination), then {@code @domain}. Every table is asked the full address;
 * only fixed-string tables are asked the partial keys (a regexp table sees the whole address).
 * A result {@code @other} keeps the user part; an unmatched extension is put back when
 * propagate_unmatched_extensions says so; a result without a domain gets {@code @$myorigin}.
 * Results are split on commas and white space (several for virtual aliases). sender_bcc_maps
 * and recipient_bcc_maps use the same keys ({@link #find}) and take the value as it stands.
 *
 * <p>Failure: a table that cannot answer raises TableException; the caller defers the message.
 */
final class AddressMaps {
  private final String title;
  private final List<LookupTable> tables;
  private final String delimiters;
  private final Set<String> localDomains;
  private final String myorigin;

  AddressMaps(String title, List<LookupTable> tables, CleanupSettings s) {
    this.title = title;
    this.tables = List.copyOf(tables);
    this.delimiters = s.recipientDelimiter();
    this.localDomains = s.mydestination();
    this.myorigin = s.myorigin();
  }

  String title() {
    return title;
  }

  boolean isEmpty() {
    return tables.isEmpty();
  }

  /** The mapping of {@code address}, or empty when no table has one. */
  Optional<List<String>> map(String address, boolean propagate) throws TableException {
    Optional<Match> m = lookup(address);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    Match match = m.get();
    List<String> out = new ArrayList<>();
    for (String item : ParameterList.split(match.value())) {
      out.add(result(item, match.local(), propagate ? match.strippedExtension() : ""));
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  /**
   * The value the tables have for {@code address}, asked with the same keys as {@link #map}, as
   * it stands (Postfix's mail_addr_find: the BCC maps take one address and no extension).
   */
  Optional<String> find(String address) throws TableException {
    return lookup(address).map(m -> m.value().strip()).filter(v -> !v.isEmpty());
  }

  /**
   * A table's answer: the value, the local part of the address asked, and the extension the
   * matching key did not have (empty when the key kept it).
   */
  private record Match(String value, String local, String strippedExtension) {}

  private Optional<Match> lookup(String address) throws TableException {
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    String domain = at < 0 ? "" : address.substring(at + 1);
    int ext = extensionStart(local);
    String base = ext < 0 ? local : local.substring(0, ext);
    String extension = ext < 0 ? "" : local.substring(ext);
    String suffix = at < 0 ? "" : "@" + domain;

    Optional<String> v = find(address, false);
    boolean stripped = false;
    if (v.isEmpty() && ext >= 0) {
      v = find(base + suffix, true);
      stripped = v.isPresent();
    }
    if (v.isEmpty() && (at < 0 || localDomains.contains(domain.toLowerCase(Locale.ROOT)))) {
      v = find(local, true);
      if (v.isEmpty() && ext >= 0) {
        v = find(base, true);
        stripped = v.isPresent();
      }
    }
    if (v.isEmpty() && at >= 0) {
      v = find("@" + domain, true);
      stripped = false;
    }
    boolean keptExtension = !stripped;
    return v.map(value -> new Match(value, local, keptExtension ? "" : extension));
  }

  private String result(String item, String local, String extension) {
    String r = item.startsWith("@") ? local + item : item;
    if (!extension.isEmpty()) {
      int at = r.lastIndexOf('@');
      r = at < 0 ? r + extension : r.substring(0, at) + extension + r.substring(at);
    }
    return r.indexOf('@') < 0 && !myorigin.isEmpty() ? r + "@" + myorigin : r;
  }

  private int extensionStart(String local) {
    if (delimiters.isEmpty()) {
      return -1;
    }
    for (int i = 1; i < local.length(); i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private Optional<String> find(String key, boolean fixedOnly) throws TableException {
    for (LookupTable t : tables) {
      if (fixedOnly && t.matchStyle() != LookupTable.MatchStyle.FIXED) {
        continue;
      }
      Optional<String> v = t.find(key);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }
}
