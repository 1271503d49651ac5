package org.postern.smtpd;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.HostsFile;
import org.postern.dns.InetProtocols;
import org.postern.dns.Resolver;
import org.postern.smtpd.PeerName.Status;
import org.postern.table.AccessKeys;

/**
 * smtpd's client name lookup, as Postfix's {@code smtpd_peer} makes it when {@code
 * smtpd_peername_lookup = yes}: the address to a name (hosts(5) first, then the PTR record), a
 * sanity check of that name, then the name back to addresses of the client's family (hosts(5),
 * then A or AAAA records). Only when those list the client address is the name verified; otherwise
 * the client is {@code unknown}, with the reverse name kept for {@code
 * reject_unknown_reverse_client_hostname}. With {@code smtpd_peername_lookup = no} every client is
 * {@code unknown}.
 *
 * <p>Failure: a lookup that fails transiently (SERVFAIL, timeout) gives {@link Status#TEMP}, one
 * that fails for good (NXDOMAIN, no PTR record, a numeric or malformed name) {@link Status#PERM}; a
 * name that does not list the address {@link Status#FORGED}. The forward failures are logged with
 * Postfix's warnings ({@code hostname NAME does not resolve to address ADDR}).
 */
final class PeerNameLookup {
  private final boolean enabled;
  private final Resolver resolver;
  private final HostsFile hosts;

  PeerNameLookup(boolean enabled, Resolver resolver, HostsFile hosts) {
    this.enabled = enabled;
    this.resolver = resolver;
    this.hosts = hosts;
  }

  /**
   * Postfix's {@code getaddrinfo()}: the addresses hosts(5) lists for {@code name}, else its A or
   * AAAA records, of the families {@code family} allows. The exception's message is the C
   * library's text: {@code Name or service not known} (NXDOMAIN), {@code No address associated
   * with hostname} (no records), {@code Temporary failure in name resolution}.
   */
  List<InetAddress> addresses(String name, InetProtocols family) throws DnsLookupException {
    List<InetAddress> listed = hosts.addresses(name).stream()
        .filter(a -> a instanceof Inet6Address ? family.ipv6() : family.ipv4())
        .toList();
    if (!listed.isEmpty()) {
      return listed;
    }
    List<InetAddress> found;
    try {
      found = resolver.addresses(name, family).records();
    } catch (DnsLookupException e) {
      throw new DnsLookupException(e.permanent()
          ? "Name or service not known" : "Temporary failure in name resolution", e.permanent());
    }
    if (found.isEmpty()) {
      throw new DnsLookupException("No address associated with hostname", true);
    }
    return found;
  }

  /** The names of {@code client} (printed as {@code address}); warnings go to {@code log}. */
  PeerName lookup(InetAddress client, String address, Consumer<String> log) {
    if (!enabled) {
      return PeerName.unknown(Status.PERM);
    }
    String name;
    Optional<String> listed = hosts.name(client);
    if (listed.isPresent()) {
      name = listed.get();
    } else {
      try {
        DnsAnswer<String> ptr = resolver.ptr(client);
        if (ptr.isEmpty()) {
          return PeerName.unknown(Status.PERM);
        }
        name = ptr.records().getFirst();
      } catch (DnsLookupException e) {
        return PeerName.unknown(e.permanent() ? Status.PERM : Status.TEMP);
      }
    }
    if (AccessKeys.isAddress(name)) {
      log.accept("warning: numeric hostname: " + name);
      return PeerName.unknown(Status.PERM);
    }
    if (!Restrictions.validHostname(name)) {
      return PeerName.unknown(Status.PERM);
    }
    return confirm(PeerName.verified(name), client, address, log);
  }

  /** The name must resolve back to the client address, or it is not believed. */
  private PeerName confirm(PeerName peer, InetAddress client, String address, Consumer<String> log) {
    String name = peer.name();
    InetProtocols family = client instanceof Inet6Address
        ? new InetProtocols(false, true) : new InetProtocols(true, false);
    List<InetAddress> forward;
    try {
      forward = addresses(name, family);
    } catch (DnsLookupException e) {
      log.accept("warning: hostname " + name + " does not resolve to address " + address + ": "
          + e.getMessage());
      return peer.unverified(e.permanent() ? Status.FORGED : Status.TEMP);
    }
    if (!forward.contains(client)) {
      log.accept("warning: hostname " + name + " does not resolve to address " + address);
      return peer.unverified(Status.FORGED);
    }
    return peer;
  }
}
