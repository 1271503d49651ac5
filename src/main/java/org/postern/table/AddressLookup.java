package org.postern.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tables of one address-valued parameter (virtual_alias_maps, virtual_mailbox_maps,
 * relay_recipient_maps, ...), asked as Postfix's {@code mail_addr_find()} asks them. For {@code
 * user+ext@domain} the keys are, in order: {@code user+ext@domain}, {@code user@domain}, then,
 * only when the domain is local, {@code user+ext} and {@code user}, then {@code @domain}. Each key
 * is asked of every table before the next key is tried. Every table is asked the full address;
 * only fixed-string tables are asked the partial keys, so a regexp table sees the whole address.
 *
 * <p>Addresses are in internal form and already case-folded by the caller.
 *
 * <p>Failure: a table that cannot answer is a {@link TableException}, never "not found".
 */
public final class AddressLookup {
  private final List<LookupTable> tables;

  public AddressLookup(List<LookupTable> tables) {
    this.tables = List.copyOf(tables);
  }

  /** No tables: the parameter is empty, which for most callers means "do not check". */
  public boolean isEmpty() {
    return tables.isEmpty();
  }

  /**
   * The first value for {@code address}.
   *
   * @param delimiters recipient_delimiter: the characters that start an address extension
   * @param localDomain whether the domain is this machine's, so that the bare local part is a key
   */
  public Optional<String> find(String address, String delimiters, boolean localDomain)
      throws TableException {
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    String domain = at < 0 ? "" : address.substring(at);
    String bare = withoutExtension(local, delimiters);
    List<String> partial = new ArrayList<>();
    if (!bare.equals(local)) {
      partial.add(bare + domain);
    }
    if (at >= 0 && localDomain) {
      partial.add(local);
      if (!bare.equals(local)) {
        partial.add(bare);
      }
    }
    if (at >= 0) {
      partial.add(domain);
    }
    Optional<String> found = find(address, false);
    for (int i = 0; found.isEmpty() && i < partial.size(); i++) {
      found = find(partial.get(i), true);
    }
    return found;
  }

  private Optional<String> find(String key, boolean partial) throws TableException {
    for (LookupTable table : tables) {
      if (partial && table.matchStyle() != LookupTable.MatchStyle.FIXED) {
        continue;
      }
      Optional<String> value = table.find(key);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  /** {@code user+ext} without its extension; a delimiter at the very start is not one. */
  private static String withoutExtension(String local, String delimiters) {
    for (int i = 1; i < local.length(); i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        return local.substring(0, i);
      }
    }
    return local;
  }
}
