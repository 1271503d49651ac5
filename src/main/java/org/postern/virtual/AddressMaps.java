package org.postern.virtual;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;

/**
 * A list of tables queried with an address as Postfix's {@code mail_addr_find()} queries them:
 * fixed-string tables with {@code user+ext@domain}, {@code user@domain}, then {@code @domain};
 * pattern tables with the full address only. The first table with an answer wins.
 *
 * <p>Failure: a table that cannot answer is a TableException, never "not found".
 */
final class AddressMaps {
  private final String parameter;
  private final List<LookupTable> tables;

  private AddressMaps(String parameter, List<LookupTable> tables) {
    this.parameter = parameter;
    this.tables = List.copyOf(tables);
  }

  /** Opens every table of {@code specs}, the value of {@code parameter}. */
  static AddressMaps open(String parameter, List<String> specs) throws TableException {
    List<LookupTable> opened = new ArrayList<>();
    for (String spec : specs) {
      try {
        opened.add(Tables.open(spec));
      } catch (TableException e) {
        throw new TableException("parameter " + parameter + ": " + e.getMessage(), e);
      }
    }
    return new AddressMaps(parameter, opened);
  }

  /** The parameter these tables come from, for diagnostics. */
  String parameter() {
    return parameter;
  }

  /** The first answer for {@code address} (already lower-cased) in table order. */
  Optional<String> find(String address, String delimiters) throws TableException {
    for (LookupTable table : tables) {
      for (String key : keys(table, address, delimiters)) {
        Optional<String> found = table.find(key);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Set<String> keys(LookupTable table, String address, String delimiters) {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(address);
    if (table.matchStyle() == LookupTable.MatchStyle.PATTERN) {
      return keys;
    }
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    String domain = at < 0 ? "" : address.substring(at);
    int ext = extensionStart(local, delimiters);
    if (ext > 0) {
      keys.add(local.substring(0, ext) + domain);
    }
    if (at >= 0) {
      keys.add(domain);
    }
    return keys;
  }

  /** Where the extension starts in {@code local}: the first delimiter, not at the start. */
  static int extensionStart(String local, String delimiters) {
    for (int i = 1; i < local.length(); i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  void close() {
    tables.forEach(LookupTable::close);
  }
}
