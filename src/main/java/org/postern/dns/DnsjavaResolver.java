package org.postern.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A {@link Resolver} that asks recursive name servers with dnsjava. Each query sets the AD bit
 * (RFC 6840 section 5.7) and EDNS DO, so that a validating resolver reports in the AD bit of its
 * reply whether it validated the answer; that bit is passed on as {@link DnsAnswer#authentic()}.
 * Like Postfix, the resolver (and the path to it) is trusted: use a validating resolver on
 * localhost.
 *
 * <p>Failure: NXDOMAIN is permanent; any other error code, a timeout or an unreachable server is
 * transient. A name that is not a valid domain name is permanent.
 */
public final class DnsjavaResolver implements Resolver {
  private static final int DNS_PORT = 53;

  private final org.xbill.DNS.Resolver resolver;

  /** Asks {@code servers} in turn, waiting at most {@code timeout} for each query. */
  public DnsjavaResolver(List<InetSocketAddress> servers, Duration timeout) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no DNS server address");
    }
    List<org.xbill.DNS.Resolver> each = new ArrayList<>();
    for (InetSocketAddress server : servers) {
      SimpleResolver r = new SimpleResolver(server);
      r.setEDNS(0, 0, ExtendedFlags.DO);
      r.setTimeout(timeout);
      each.add(r);
    }
    ExtendedResolver extended = new ExtendedResolver(each);
    extended.setTimeout(timeout);
    this.resolver = extended;
  }

  /**
   * The servers of {@code override} when it is not blank ({@code address} or {@code [address]:port},
   * the value of {@code postern_dns_resolver_address}), else the {@code nameserver} lines of {@code
   * resolvConf}; localhost when that names none, as the C resolver does.
   */
  public static DnsjavaResolver configured(String override, Path resolvConf, Duration timeout)
      throws IOException {
    List<InetSocketAddress> servers = new ArrayList<>();
    if (!override.isBlank()) {
      for (String item : override.split("[\\s,]+")) {
        if (!item.isEmpty()) {
          servers.add(serverAddress(item));
        }
      }
    } else if (Files.exists(resolvConf)) {
      for (String line : Files.readAllLines(resolvConf)) {
        String[] words = line.strip().split("\\s+");
        if (words.length >= 2 && words[0].equals("nameserver")) {
          servers.add(new InetSocketAddress(org.xbill.DNS.Address.getByAddress(words[1]), DNS_PORT));
        }
      }
    }
    if (servers.isEmpty()) {
      servers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), DNS_PORT));
    }
    return new DnsjavaResolver(servers, timeout);
  }

  /** {@code 192.0.2.1}, {@code 192.0.2.1:5353}, {@code [2001:db8::1]:5353} or {@code 2001:db8::1}. */
  static InetSocketAddress serverAddress(String text) throws java.net.UnknownHostException {
    String host = text;
    int port = DNS_PORT;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("postern_dns_resolver_address: bad address: " + text);
      }
      host = text.substring(1, close);
      if (text.startsWith(":", close + 1)) {
        port = Integer.parseInt(text.substring(close + 2));
      }
    } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
      host = text.substring(0, text.indexOf(':'));
      port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
    }
    return new InetSocketAddress(org.xbill.DNS.Address.getByAddress(host), port);
  }

  @Override
  public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
    Message reply = query(domain, Type.MX);
    List<MxRecord> records = new ArrayList<>();
    for (Record r : reply.getSection(Section.ANSWER)) {
      if (r instanceof MXRecord mx) {
        records.add(new MxRecord(mx.getPriority(), hostName(mx.getTarget())));
      }
    }
    return new DnsAnswer<>(records, reply.getHeader().getFlag(Flags.AD));
  }

  @Override
  public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols)
      throws DnsLookupException {
    List<InetAddress> found = new ArrayList<>();
    boolean authentic = true;
    Optional<String> canonical = Optional.empty();
    if (protocols.ipv6()) {
      Followed reply = follow(host, Type.AAAA);
      authentic &= reply.authentic();
      for (Record r : reply.answer()) {
        if (r instanceof AAAARecord a) {
          found.add(a.getAddress());
          canonical = canonical.or(() -> alias(host, r));
        }
      }
    }
    if (protocols.ipv4()) {
      Followed reply = follow(host, Type.A);
      authentic &= reply.authentic();
      for (Record r : reply.answer()) {
        if (r instanceof ARecord a) {
          found.add(a.getAddress());
          canonical = canonical.or(() -> alias(host, r));
        }
      }
    }
    return new DnsAnswer<>(found, authentic, canonical);
  }

  /** The answer section at the end of a CNAME chain, and whether every reply was authentic. */
  private record Followed(List<Record> answer, boolean authentic) {}

  /**
   * Looks up {@code name}; when the reply holds only a CNAME for it (a recursive resolver that
   * did not chase the alias, as unbound does not for local data), asks again for the alias's
   * target, at most 10 times, as Postfix's dns_lookup() does.
   */
  private Followed follow(String name, int type) throws DnsLookupException {
    String current = name;
    boolean authentic = true;
    for (int count = 0; count < 10; count++) {
      Message reply = query(current, type);
      authentic &= reply.getHeader().getFlag(Flags.AD);
      List<Record> answer = reply.getSection(Section.ANSWER);
      if (answer.stream().anyMatch(r -> r.getType() == type)) {
        return new Followed(answer, authentic);
      }
      String owner = current;
      Optional<String> target = answer.stream()
          .filter(r -> r instanceof CNAMERecord && alias(owner, r).isEmpty())
          .map(r -> hostName(((CNAMERecord) r).getTarget())).findFirst();
      if (target.isEmpty()) {
        return new Followed(answer, authentic);
      }
      current = target.get();
    }
    throw new DnsLookupException("Name server loop for " + name, false);
  }

  /**
   * The owner of address record {@code r} when it is not {@code host}: the recursive resolver
   * followed a CNAME chain to it (the chain's CNAME records precede it in the answer).
   */
  private static Optional<String> alias(String host, Record r) {
    String owner = hostName(r.getName());
    return owner.equalsIgnoreCase(host.endsWith(".") ? host.substring(0, host.length() - 1) : host)
        ? Optional.empty()
        : Optional.of(owner);
  }

  /**
   * TLSA records; NXDOMAIN is an empty answer (RFC 7672 section 2.2: no TLSA records), a server
   * failure (a bogus answer from a validating resolver) stays a transient error.
   */
  @Override
  public DnsAnswer<TlsaRecord> tlsa(String name) throws DnsLookupException {
    Message reply = send(name, Type.TLSA);
    boolean authentic = reply.getHeader().getFlag(Flags.AD);
    if (reply.getRcode() == Rcode.NXDOMAIN) {
      return new DnsAnswer<>(List.of(), authentic);
    }
    check(reply, name + " (" + Type.string(Type.TLSA) + ")");
    List<TlsaRecord> records = new ArrayList<>();
    for (Record r : reply.getSection(Section.ANSWER)) {
      if (r instanceof TLSARecord t) {
        records.add(new TlsaRecord(t.getCertificateUsage(), t.getSelector(),
            t.getMatchingType(), t.getCertificateAssociationData()));
      }
    }
    return new DnsAnswer<>(records, authentic);
  }

  /** TXT records; NXDOMAIN is an empty answer, as for TLSA: no record is not an error here. */
  @Override
  public DnsAnswer<String> txt(String name) throws DnsLookupException {
    Message reply = send(name, Type.TXT);
    boolean authentic = reply.getHeader().getFlag(Flags.AD);
    if (reply.getRcode() == Rcode.NXDOMAIN) {
      return new DnsAnswer<>(List.of(), authentic);
    }
    check(reply, name + " (" + Type.string(Type.TXT) + ")");
    List<String> records = new ArrayList<>();
    for (Record r : reply.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord t) {
        records.add(String.join("", t.getStrings()));
      }
    }
    return new DnsAnswer<>(records, authentic);
  }

  @Override
  public DnsAnswer<String> ptr(InetAddress address) throws DnsLookupException {
    return targets(ReverseMap.fromAddress(address).toString(), Type.PTR);
  }

  @Override
  public DnsAnswer<String> ns(String domain) throws DnsLookupException {
    return targets(domain, Type.NS);
  }

  /** The host names that the {@code type} records (PTR, NS) at {@code name} point to. */
  private DnsAnswer<String> targets(String name, int type) throws DnsLookupException {
    Message reply = query(name, type);
    List<String> names = new ArrayList<>();
    for (Record r : reply.getSection(Section.ANSWER)) {
      if (r instanceof PTRRecord p) {
        names.add(hostName(p.getTarget()));
      } else if (r instanceof NSRecord n) {
        names.add(hostName(n.getTarget()));
      }
    }
    return new DnsAnswer<>(names, reply.getHeader().getFlag(Flags.AD));
  }

  /**
   * A records of a DNS list query name; NXDOMAIN is "not listed", kept for the SOA's negative
   * TTL, as Postfix's dnsblog(8) reports it to postscreen.
   */
  @Override
  public ListedAddresses listed(String name) throws DnsLookupException {
    Message reply = send(name, Type.A);
    if (reply.getRcode() != Rcode.NXDOMAIN) {
      check(reply, name + " type=" + Type.string(Type.A));
    }
    List<InetAddress> found = new ArrayList<>();
    long ttl = -1;
    for (Record r : reply.getSection(Section.ANSWER)) {
      if (r instanceof ARecord a) {
        found.add(a.getAddress());
        ttl = ttl < 0 ? r.getTTL() : Math.min(ttl, r.getTTL());
      }
    }
    if (found.isEmpty()) {
      for (Record r : reply.getSection(Section.AUTHORITY)) {
        if (r instanceof SOARecord soa) {
          ttl = Math.min(soa.getTTL(), soa.getMinimum());
        }
      }
    }
    return new ListedAddresses(found, (int) Math.min(Integer.MAX_VALUE, ttl));
  }

  private Message query(String name, int type) throws DnsLookupException {
    Message reply = send(name, type);
    check(reply, name + " type=" + Type.string(type));
    return reply;
  }

  private Message send(String name, int type) throws DnsLookupException {
    // Postfix's dns_lookup() wording: "name=NAME type=TYPE: TEXT".
    String what = name + " type=" + Type.string(type);
    Name qname;
    try {
      qname = Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw new DnsLookupException("Name service error for name=" + what + ": malformed name", true);
    }
    Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
    query.getHeader().setFlag(Flags.AD);
    Message reply;
    try {
      reply = resolver.send(query);
    } catch (IOException e) {
      // A timeout or a lost server is TRY_AGAIN to Postfix's resolver too.
      throw new DnsLookupException("Host or domain name not found. Name service error for name="
          + what + ": Host not found, try again", false);
    }
    return reply;
  }

  private static void check(Message reply, String what) throws DnsLookupException {
    int rcode = reply.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      throw new DnsLookupException("Host or domain name not found. Name service error for name="
          + what + ": Host not found", true);
    }
    if (rcode != Rcode.NOERROR) {
      throw new DnsLookupException("Host or domain name not found. Name service error for name="
          + what + ": Host not found, try again", false);
    }
  }

  private static String hostName(Name name) {
    String text = name.toString(true);
    return text.isEmpty() ? "." : text;
  }
}
