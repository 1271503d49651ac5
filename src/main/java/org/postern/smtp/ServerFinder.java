package org.postern.smtp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;

/**
 * Turns a {@link Destination} into the server addresses to try, as Postfix's {@code smtp_addr}
 * does: the addresses of the MX hosts, each with its host's MX preference, or the domain's own
 * A/AAAA records when it has no MX; MX hosts at or above this host's own preference dropped (mail
 * would loop). {@link AddressOrder} then puts them in order ({@code smtp_randomize_addresses},
 * {@code smtp_address_preference}, {@code smtp_balance_inet_protocols}) and applies {@code
 * smtp_mx_address_limit}.
 *
 * <p>With {@code smtp_cname_overrides_servername} (or {@code lmtp_}; default no), a host name that
 * is an alias (DNS CNAME) is replaced by the name its address records belong to: that name is
 * then the server's name for logging, SASL password lookup, TLS policy ({@code
 * servername=hostname}, {@code match=hostname}) and MTA-STS MX patterns, as Postfix's
 * {@code SMTP_HNAME} does.
 *
 * <p>Failure: NXDOMAIN is {@code 5.1.2}, a null MX (RFC 7505) {@code 5.1.10}, a name without
 * addresses {@code 5.4.4}, a loop {@code 5.4.6}; server failures and timeouts {@code 4.4.3}. When
 * some MX hosts fail to resolve and others do, the others are used.
 */
final class ServerFinder {
  private final Resolver resolver;
  private final InetProtocols protocols;
  private final String myhostname;
  private final AddressOrder order;
  private final boolean cnameOverridesServername;

  ServerFinder(
      Resolver resolver, InetProtocols protocols, String myhostname, AddressOrder order) {
    this(resolver, protocols, myhostname, order, false);
  }

  ServerFinder(Resolver resolver, InetProtocols protocols, String myhostname, AddressOrder order,
      boolean cnameOverridesServername) {
    this.resolver = resolver;
    this.protocols = protocols;
    this.myhostname = myhostname;
    this.order = order;
    this.cnameOverridesServername = cnameOverridesServername;
  }

  /** The finder {@code s} describes. */
  static ServerFinder of(SmtpSettings s, Resolver resolver, Random random) {
    return new ServerFinder(resolver, s.inetProtocols(), s.myhostname(), s.addressOrder(random),
        s.cnameOverridesServername());
  }

  List<Server> find(Destination d) throws DestinationException {
    if (d.socket().isPresent()) {
      return List.of(Server.unix(d.host(), d.socket().get()));
    }
    return order.order(d.mxLookup() ? viaMx(d) : host(0, d.host(), d.port(), true, true));
  }

  private List<AddressOrder.Candidate> viaMx(Destination d) throws DestinationException {
    DnsAnswer<MxRecord> mx;
    try {
      mx = resolver.mx(d.host());
    } catch (DnsLookupException e) {
      throw failure(d.host(), e);
    }
    if (mx.isEmpty()) {
      return host(0, d.host(), d.port(), mx.authentic(), true);
    }
    if (mx.records().size() == 1 && mx.records().getFirst().isNullMx()) {
      throw new DestinationException(
          "5.1.10", "Domain " + d.host() + " does not accept mail (nullMX)");
    }
    List<MxRecord> ordered = withoutLoops(d.host(), mx.records().stream()
        .sorted(Comparator.comparingInt(MxRecord::preference)).toList());
    List<AddressOrder.Candidate> servers = new ArrayList<>();
    DestinationException last = null;
    for (MxRecord r : ordered) {
      try {
        servers.addAll(host(r.preference(), r.exchange(), d.port(), true, mx.authentic()));
      } catch (DestinationException e) {
        last = e;
      }
    }
    if (servers.isEmpty() && last != null) {
      throw last;
    }
    return servers;
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
   * The addresses of {@code name}, each with {@code preference}; {@code authentic} says whether
   * the answers before the address lookup carried the AD bit, {@code mxSecure} whether an MX
   * answer that named the host did.
   */
  private List<AddressOrder.Candidate> host(
      int preference, String name, int port, boolean authentic, boolean mxSecure)
      throws DestinationException {
    if (NextHopName.isHostAddress(name)) {
      try {
        return List.of(new AddressOrder.Candidate(preference,
            Server.inet(name, InetAddress.getByName(name), port, false, mxSecure)));
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
    String servername = cnameOverridesServername ? a.canonicalName().orElse(name) : name;
    List<AddressOrder.Candidate> out = new ArrayList<>();
    for (InetAddress addr : a.records()) {
      out.add(new AddressOrder.Candidate(preference,
          Server.inet(servername, addr, port, authentic && a.authentic(), mxSecure)
              .withCanonicalName(a.canonicalName())));
    }
    return out;
  }

  private static DestinationException failure(String name, DnsLookupException e) {
    return new DestinationException(e.permanent() ? "5.1.2" : "4.4.3", e.getMessage());
  }
}
