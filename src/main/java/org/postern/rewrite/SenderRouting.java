package org.postern.rewrite;

import java.util.Locale;
import java.util.Optional;
import org.postern.table.AddressLookup;
import org.postern.table.TableException;

/**
 * {@code sender_dependent_relayhost_maps} and {@code sender_dependent_default_transport_maps}:
 * trivial-rewrite's per-sender choice of relay host and default transport for off-host mail. The
 * sender is asked as Postfix's {@code mail_addr_find()} asks (the address, then without its
 * extension, the local part when the sender's domain is local, then {@code @domain}); the null
 * sender is asked as {@code empty_address_relayhost_maps_lookup_key} or {@code
 * empty_address_default_transport_maps_lookup_key} ({@code <>}). {@code DUNNO} ends the search
 * with no answer, so {@code relayhost} or {@code default_transport} applies, as does an empty
 * value.
 *
 * <p>Failure: a table that cannot answer is a {@link TableException}; the recipient is deferred.
 */
final class SenderRouting {
  /** Whether a domain is this machine's: then the sender's bare local part is a key too. */
  @FunctionalInterface
  interface LocalDomains {
    boolean isLocal(String domain) throws TableException;
  }

  private final AddressLookup relayhosts;
  private final AddressLookup defaultTransports;
  private final String nullRelayhostKey;
  private final String nullTransportKey;
  private final String recipientDelimiter;

  SenderRouting(AddressLookup relayhosts, AddressLookup defaultTransports,
      String nullRelayhostKey, String nullTransportKey, String recipientDelimiter) {
    this.relayhosts = relayhosts;
    this.defaultTransports = defaultTransports;
    this.nullRelayhostKey = nullRelayhostKey;
    this.nullTransportKey = nullTransportKey;
    this.recipientDelimiter = recipientDelimiter;
  }

  /** The sender's relay host, when the table names one. */
  Optional<String> relayhost(String sender, LocalDomains local) throws TableException {
    return find(relayhosts, sender, nullRelayhostKey, local);
  }

  /** The sender's default transport ({@code transport[:nexthop]}), when the table names one. */
  Optional<String> defaultTransport(String sender, LocalDomains local) throws TableException {
    return find(defaultTransports, sender, nullTransportKey, local);
  }

  private Optional<String> find(AddressLookup maps, String sender, String nullKey,
      LocalDomains local) throws TableException {
    if (maps.isEmpty()) {
      return Optional.empty();
    }
    String key = sender.isEmpty() ? nullKey : sender.toLowerCase(Locale.ROOT);
    int at = key.lastIndexOf('@');
    boolean localDomain = !sender.isEmpty() && at >= 0 && local.isLocal(key.substring(at + 1));
    return maps.find(key, recipientDelimiter, localDomain)
        .map(String::strip)
        .filter(v -> !v.isEmpty() && !v.equalsIgnoreCase("DUNNO"));
  }
}
