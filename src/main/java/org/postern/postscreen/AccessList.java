package org.postern.postscreen;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.smtpd.Mynetworks;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * {@code postscreen_access_list}: the permanent allow- and deny-list, evaluated before any test.
 * Each element is {@code permit_mynetworks} or a lookup table ({@code cidr:/etc/postfix/
 * postscreen_access.cidr}) whose result for the client address is {@code permit}, {@code
 * reject} or {@code dunno}; the first element that decides wins.
 *
 * <p>Failure: a table lookup error or an unknown table result is a warning and the element is
 * skipped ("dunno"), as Postfix's {@code psc_acl_eval} does.
 */
final class AccessList {
  /** The verdict of the list. */
  enum Verdict { ALLOWLIST, DENYLIST, DUNNO }

  private sealed interface Element {}

  private record PermitMynetworks(Mynetworks networks) implements Element {}

  private record Table(String spec, LookupTable table) implements Element {}

  private final List<Element> elements;

  private AccessList(List<Element> elements) {
    this.elements = List.copyOf(elements);
  }

  /** The list of {@code items}; {@code open} opens a table, {@code mynetworks} is main.cf's. */
  static AccessList of(List<String> items, Mynetworks mynetworks, TableOpener open)
      throws TableException {
    List<Element> out = new ArrayList<>();
    for (String item : items) {
      if (item.equalsIgnoreCase("permit_mynetworks")) {
        out.add(new PermitMynetworks(mynetworks));
      } else if (item.indexOf(':') > 0) {
        out.add(new Table(item, open.open(item)));
      } else {
        throw new IllegalArgumentException("postscreen_access_list: unknown command: " + item);
      }
    }
    return new AccessList(out);
  }

  /** Opens a table by its {@code type:name}. */
  @FunctionalInterface
  interface TableOpener {
    LookupTable open(String spec) throws TableException;
  }

  Verdict evaluate(InetAddress client, String address, Consumer<String> warn) {
    for (Element e : elements) {
      Verdict v = switch (e) {
        case PermitMynetworks p -> p.networks().contains(client) ? Verdict.ALLOWLIST : Verdict.DUNNO;
        case Table t -> lookup(t, address, warn);
      };
      if (v != Verdict.DUNNO) {
        return v;
      }
    }
    return Verdict.DUNNO;
  }

  private static Verdict lookup(Table t, String address, Consumer<String> warn) {
    Optional<String> found;
    try {
      found = t.table().find(address);
    } catch (TableException e) {
      warn.accept("postscreen_access_list: " + t.spec() + " lookup error for " + address + ": " + e.getMessage());
      return Verdict.DUNNO;
    }
    if (found.isEmpty()) {
      return Verdict.DUNNO;
    }
    String action = found.get().strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    return switch (action) {
      case "permit" -> Verdict.ALLOWLIST;
      case "reject" -> Verdict.DENYLIST;
      case "dunno" -> Verdict.DUNNO;
      default -> {
        warn.accept("postscreen_access_list: " + t.spec() + ": unknown command: " + found.get());
        yield Verdict.DUNNO;
      }
    };
  }
}
