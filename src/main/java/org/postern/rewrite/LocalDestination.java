package org.postern.rewrite;

import org.postern.config.InterfaceAddresses;
import org.postern.table.DomainList;
import org.postern.table.TableException;

/**
 * Whether a domain is this machine, Postfix's {@code resolve_local()}: a name in {@code
 * mydestination}, or an address literal ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}) of an
 * address this host receives mail on ({@code inet_interfaces}) or receives through a proxy or NAT
 * ({@code proxy_interfaces}).
 *
 * <p>Failure: a {@code mydestination} table that cannot answer is a {@link TableException}.
 */
final class LocalDestination {
  private final DomainList mydestination;
  private final InterfaceAddresses interfaceAddresses;

  LocalDestination(DomainList mydestination, InterfaceAddresses interfaceAddresses) {
    this.mydestination = mydestination;
    this.interfaceAddresses = interfaceAddresses;
  }

  boolean isLocal(String domain) throws TableException {
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    if (d.isEmpty() || d.endsWith(".")) {
      return false;
    }
    return mydestination.matches(d) || interfaceAddresses.ownsLiteral(d);
  }
}
