package org.postern.smtp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;

/**
 * Turns a {@link Destination} into the server addresses to try, in order, as Postfix's {@code
 * smtp_addr} does: MX records by preference, equal preferences shuffled; the domain's own A/AAAA
 * records when it has no MX; MX hosts at or above this host's own preference dropped (mail would
 * loop); at most {@code smtp_mx_address_limit} addresses.
 *
 * <p>Failure: NXDOMAIN is {@code 5.1.2}, a null MX (RFC 7505) {@code 5.1.10}, a name without
 * addresses {@code 5.4.4}, a loop {@code 5.4.6}; server failures and timeouts {@code 4.4.3}. When
 * some MX hosts fail to resolve and others do, the others are used.
 */
final class ServerFinder {
  private final Resolver resolver;
  private final InetProtocols protocols;
  private final String myhostname;
  private final int addressLimit;
  private final Random random;

  ServerFinder(
      Resolver resolver, InetProtocols protocols, String myhostname, int addressLimit,
      Random random) {
    this.resolver = resolver;
    this.protocols = protocols;
    this.myhostname = myhostname;
    this.addressLimit = addressLimit;
    this.random = random;
  }

  List<Server> find(Destination d) throws DestinationException {
    if (d.socket().isPresent()) {
      return List.of(Server.unix(d.host(), d.socket().get()));
    }
    List<Server> servers = d.mxLookup() ? viaMx(d) : host(d.host(), d.port(), true, true);
    return addressLimit > 0 && servers.size() > addressLimit
        ? List.copyOf(servers.subList(0, addressLimit))
        : servers;
  }

  private List<Server> viaMx(Destination d) throws DestinationException {
    DnsAnswer<MxRecord> mx;
    try {
      mx = resolver.mx(d.host());
    } catch (DnsLookupException e) {
      throw failure(d.host(), e);
    }
    if (mx.isEmpty()) {
      return host(d.host(), d.port(), mx.authentic(), true);
    }
    if (mx.records().size() == 1 && mx.records().getFirst().isNullMx()) {
      throw new DestinationException(
          "5.1.10", "Domain " + d.host() + " does not accept mail (nullMX)");
    }
    List<MxRecord> ordered = withoutLoops(d.host(), ordered(mx.records()));
    List<Server> servers = new ArrayList<>();
    DestinationException last = null;
    for (MxRecord r : ordered) {
      try {
        servers.addAll(host(r.exchange(), d.port(), true, mx.authentic()));
      } catch (DestinationException e) {
        last = e;
      }
    }
    if (servers.isEmpty() && last != null) {
      throw last;
    }
    return servers;
  }

  /** By preference; equal preferences in random order (RFC 5321 section 5.1). */
  private List<MxRecord> ordered(List<MxRecord> records) {
    Map<Integer, List<MxRecord>> byPreference = new TreeMap<>();
    for (MxRecord r : records) {
      byPreference.computeIfAbsent(r.preference(), k -> new ArrayList<>()).add(r);
    }
    List<MxRecord> out = new ArrayList<>();
    for (List<MxRecord> group : byPreference.values()) {
      Collections.shuffle(group, random);
      out.addAll(group);
    }
    return out;
  }

  private List<MxRecord> withoutLoops(String domain, List<MxRecord> records)
      throws DestinationException {
    String me = myhostname.toLowerCase(Locale.ROOT);
    for (MxRecord r : records) {
      if (r.exchange().toLowerCase(Locale.ROOT).equals(me)) {
        List<MxRecord> better =
            records.stream().filter(o -> o.preference() < r.preference()).toList();
        if (better.isEmpty()) {
          throw new DestinationException(
              "5.4.6", "mail for " + domain + " loops back to myself");
        }
        return better;
      }
    }
    return records;
  }

  /**
   * The addresses of {@code name}; {@code authentic} says whether the answers before the address
   * lookup carried the AD bit, {@code mxSecure} whether an MX answer that named the host did.
   */
  private List<Server> host(String name, int port, boolean authentic, boolean mxSecure)
      throws DestinationException {
    if (NextHopName.isHostAddress(name)) {
      try {
        return List.of(Server.inet(name, InetAddress.getByName(name), port, false, mxSecure));
      } catch (java.net.UnknownHostException e) {
        throw new DestinationException("5.1.2", "bad address literal: " + name);
      }
    }
    DnsAnswer<InetAddress> a;
    try {
      a = resolver.addresses(name, protocols);
    } catch (DnsLookupException e) {
      throw failure(name, e);
    }
    if (a.isEmpty()) {
      throw new DestinationException(
          "5.4.4",
          "Host or domain name not found. Name service error for name=" + name
              + " type=A: Host found but no data record of requested type");
    }
    List<Server> out = new ArrayList<>();
    for (InetAddress addr : a.records()) {
      out.add(Server.inet(name, addr, port, authentic && a.authentic(), mxSecure));
    }
    return out;
  }

  private static DestinationException failure(String name, DnsLookupException e) {
    return new DestinationException(e.permanent() ? "5.1.2" : "4.4.3", e.getMessage());
  }
}
