package org.postern.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The A records at a DNS list query name (RFC 5782 section 2.1), with the time the answer may be
 * kept: the smallest record TTL when the name is listed, the negative-caching time of the zone's
 * SOA (RFC 2308 section 5) when it is not; {@code -1} when the answer carried no TTL at all.
 */
public record ListedAddresses(List<InetAddress> addresses, int ttl) {
  public ListedAddresses {
    addresses = List.copyOf(addresses);
  }

  public boolean listed() {
    return !addresses.isEmpty();
  }
}
