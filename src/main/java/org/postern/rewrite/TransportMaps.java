package org.postern.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * {@code transport_maps} as transport(5) describes it: for {@code user+ext@sub.example.com} the
 * tables are asked {@code user+ext@sub.example.com}, then {@code user@sub.example.com}, then
 * {@code sub.example.com}, then {@code .example.com} and {@code .com} (or {@code example.com}
 * and {@code com} when {@code transport_maps} is in {@code parent_domain_matches_subdomains}),
 * then {@code *}. Only the full address and {@code *} go to pattern tables (regexp:, pcre:,
 * remote tables); the partial keys go to fixed-string tables only.
 *
 * <p>A result {@code transport:nexthop} replaces both; {@code transport} or {@code transport:}
 * replaces the transport and resets the next hop to the recipient domain ({@code error} gets a
 * generic text instead); {@code :nexthop} keeps the transport; {@code :} or an empty result
 * changes nothing.
 *
 * <p>Failure: a table that cannot answer is a {@link TableException}, never "not found".
 */
final class TransportMaps {
  private static final String WILDCARD = "*";
  private static final String UNDELIVERABLE = "Address is undeliverable";

  /** A transport and next hop, before or after the table had its say. */
  record Route(String transport, String nexthop) {}

  private final List<LookupTable> tables;
  private final RewriteSettings settings;

  TransportMaps(List<LookupTable> tables, RewriteSettings settings) {
    this.tables = List.copyOf(tables);
    this.settings = settings;
  }

  boolean isEmpty() {
    return tables.isEmpty();
  }

  /** {@code route} as changed by the first matching entry for {@code recipient}. */
  Route apply(String recipient, String domain, Route route) throws TableException {
    Optional<String> value = find(recipient, domain);
    return value.isPresent() ? update(value.get(), domain, route) : route;
  }

  private Optional<String> find(String recipient, String domain) throws TableException {
    Optional<String> v = lookup(recipient, false);
    if (v.isPresent()) {
      return v;
    }
    Optional<String> bare = stripExtension(recipient);
    if (bare.isPresent() && (v = lookup(bare.get(), true)).isPresent()) {
      return v;
    }
    for (String key : domainKeys(domain)) {
      if ((v = lookup(key, true)).isPresent()) {
        return v;
      }
    }
    return lookup(WILDCARD, false);
  }

  private List<String> domainKeys(String domain) {
    List<String> keys = new ArrayList<>(List.of(domain));
    for (int dot = domain.indexOf('.', 1); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
      String key = settings.transportMapsMatchParent() ? domain.substring(dot + 1) : domain.substring(dot);
      if (!key.isEmpty() && !key.equals(".")) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** The first table's answer; {@code partial} keys skip pattern tables. */
  private Optional<String> lookup(String key, boolean partial) throws TableException {
    for (LookupTable table : tables) {
      if (partial && table.matchStyle() != LookupTable.MatchStyle.FIXED) {
        continue;
      }
      Optional<String> v = table.find(key);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  private static Route update(String value, String domain, Route route) {
    int colon = value.indexOf(':');
    String transport = (colon < 0 ? value : value.substring(0, colon)).strip();
    String nexthop = colon < 0 ? "" : value.substring(colon + 1).strip();
    if (transport.isEmpty()) {
      return nexthop.isEmpty() ? route : new Route(route.transport(), nexthop);
    }
    if (!nexthop.isEmpty()) {
      return new Route(transport, nexthop);
    }
    boolean freeText = transport.equals("error") || transport.equals("retry");
    return new Route(transport, freeText ? UNDELIVERABLE : domain);
  }

  /**
   * {@code user@domain} for {@code user+ext@domain}, as Postfix's {@code strip_addr()}: never for
   * postmaster, MAILER-DAEMON or the double-bounce sender, nor for {@code owner-list} and {@code
   * list-request} when {@code -} is a delimiter and {@code owner_request_special = yes}, nor when
   * the user part would be empty.
   */
  Optional<String> stripExtension(String address) {
    String delimiters = settings.recipientDelimiter();
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    String rest = at < 0 ? "" : address.substring(at);
    if (delimiters.isEmpty() || unsplittable(local)) {
      return Optional.empty();
    }
    int cut = 0;
    while (cut < local.length() && delimiters.indexOf(local.charAt(cut)) < 0) {
      cut++;
    }
    if (cut == 0 || cut == local.length()) {
      return Optional.empty();
    }
    return Optional.of(local.substring(0, cut) + rest);
  }

  private boolean unsplittable(String local) {
    String l = local.toLowerCase(Locale.ROOT);
    if (l.equals("postmaster") || l.equals("mailer-daemon")
        || l.equals(settings.doubleBounceSender().toLowerCase(Locale.ROOT))) {
      return true;
    }
    return settings.recipientDelimiter().indexOf('-') >= 0 && settings.ownerRequestSpecial()
        && (l.startsWith("owner-") || (l.length() > 8 && l.endsWith("-request")));
  }
}
