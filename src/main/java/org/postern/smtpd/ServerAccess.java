package org.postern.smtpd;

import java.net.IDN;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.MxRecord;
import org.postern.table.AccessKeys;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * The {@code check_*_mx_access}, {@code check_*_ns_access} and {@code check_*_a_access}
 * restrictions of smtpd_access(5), for the client name, the reverse client name, the HELO name,
 * the sender and the recipient domain: the table is asked about each MX host (a domain without MX
 * is its own), each name server (of the nearest enclosing domain that has NS records), or the name
 * itself (A), first by host name and parent domains (not for A), then by each of its addresses and
 * their networks; the first entry found decides. An address literal is looked up as an address
 * (MX and A only). As in Postfix, {@code OK} is not allowed here: the request ends in a {@code 451
 * 4.3.5 Server configuration error} with three warnings.
 *
 * <p>Failure: a domain with a null MX is not checked; an MX or NS lookup that fails is logged
 * ({@code Unable to look up MX host for DOMAIN: ...}) and not checked, as is a host whose
 * addresses cannot be found; a table that fails is a server configuration error.
 */
final class ServerAccess {
  /** Which records name the servers. */
  enum Type { MX, NS, A }

  /** One of the fifteen restrictions: whose name it checks and through which records. */
  record Target(String subject, Type type) {
    private static final List<String> SUBJECTS =
        List.of("client", "reverse_client_hostname", "helo", "sender", "recipient");

    /** {@code check_helo_mx_access} and its fourteen relatives; empty for any other name. */
    static Optional<Target> of(String restriction) {
      for (String subject : SUBJECTS) {
        for (Type type : Type.values()) {
          String name = "check_" + subject + "_" + type.name().toLowerCase(Locale.ROOT) + "_access";
          if (name.equals(restriction)) {
            return Optional.of(new Target(subject, type));
          }
        }
      }
      return Optional.empty();
    }
  }

  private record Found(SmtpdCheck.Status status) {}

  private final SmtpdCheck check;
  private final CheckState state;
  private final AccessResult results;
  private final DnsRestrictions.Settings dns;
  private final boolean parentMatchesSubdomains;

  ServerAccess(SmtpdCheck check, AccessResult results, DnsRestrictions.Settings dns,
      boolean parentMatchesSubdomains) {
    this.check = check;
    this.state = check.state;
    this.results = results;
    this.dns = dns;
    this.parentMatchesSubdomains = parentMatchesSubdomains;
  }

  /** Restriction {@code restriction} (a {@link Target}) with {@code table}. */
  SmtpdCheck.Status apply(String restriction, LookupTable table, String defaultAcl)
      throws SmtpdCheck.Abort {
    Target target = Target.of(restriction).orElseThrow();
    String name;
    String replyName;
    String replyClass;
    switch (target.subject()) {
      case "client" -> {
        name = state.clientName;
        replyName = state.namaddr();
        replyClass = SmtpdCheck.CLIENT;
      }
      case "reverse_client_hostname" -> {
        name = state.peer.reverseName();
        replyName = name;
        replyClass = "Unverified Client host";
      }
      case "helo" -> {
        name = state.helo;
        replyName = name;
        replyClass = SmtpdCheck.HELO;
      }
      case "sender" -> {
        name = state.sender;
        replyName = name;
        replyClass = SmtpdCheck.SENDER;
      }
      default -> {
        name = state.recipient;
        replyName = name;
        replyClass = SmtpdCheck.RECIPIENT;
      }
    }
    boolean client = target.subject().contains("client");
    if (name == null || name.isEmpty() || client && name.equalsIgnoreCase(PeerName.UNKNOWN)) {
      return SmtpdCheck.Status.DUNNO;
    }
    SmtpdCheck.Status status = servers(table, target.type(), name, replyName, replyClass, defaultAcl);
    if (status == SmtpdCheck.Status.OK && !state.discard()) {
      state.warning("restriction " + restriction + " returns OK for " + name);
      state.warning("this is not allowed for security reasons");
      state.warning("use DUNNO instead of OK if you want to make an exception");
      throw check.abort(451, "4.3.5", "Server configuration error");
    }
    return status;
  }

  private SmtpdCheck.Status servers(LookupTable table, Type type, String name, String replyName,
      String replyClass, String defaultAcl) throws SmtpdCheck.Abort {
    String domain = name.substring(name.lastIndexOf('@') + 1);
    if (domain.startsWith("[")) {
      return addressLiteral(table, type, domain, replyName, replyClass, defaultAcl);
    }
    if (!domain.chars().allMatch(c -> c < 0x80)) {
      try {
        domain = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        // Postfix asks about the name as it is when it has no A-label form.
      }
    }
    Optional<List<String>> hosts = hosts(type, domain, name);
    if (hosts.isEmpty()) {
      return SmtpdCheck.Status.DUNNO;
    }
    for (String host : hosts.get()) {
      Optional<Found> found = host(table, type, host, replyName, replyClass, defaultAcl);
      if (found.isPresent()) {
        return found.get().status();
      }
    }
    return SmtpdCheck.Status.DUNNO;
  }

  private SmtpdCheck.Status addressLiteral(LookupTable table, Type type, String domain,
      String replyName, String replyClass, String defaultAcl) throws SmtpdCheck.Abort {
    if (type == Type.NS || !domain.endsWith("]")) {
      return SmtpdCheck.Status.DUNNO;
    }
    String inside = domain.substring(1, domain.length() - 1);
    if (!Restrictions.validMailhostAddr(inside)) {
      return SmtpdCheck.Status.DUNNO;
    }
    String bare = inside.regionMatches(true, 0, "IPv6:", 0, 5) ? inside.substring(5) : inside;
    return address(table, bare, replyName, replyClass, defaultAcl)
        .map(Found::status).orElse(SmtpdCheck.Status.DUNNO);
  }

  /**
   * The hosts to check: the domain itself (A, or no MX), the MX hosts, or the name servers of the
   * domain or its nearest parent with NS records; empty (and a warning) when the DNS failed.
   */
  private Optional<List<String>> hosts(Type type, String domain, String name) {
    if (type == Type.A) {
      return Optional.of(List.of(domain));
    }
    if (type == Type.MX) {
      try {
        List<MxRecord> mx = dns.resolver().mx(domain).records();
        if (mx.stream().anyMatch(MxRecord::isNullMx)) {
          return Optional.empty();
        }
        return Optional.of(mx.isEmpty() ? List.of(domain) : mx.stream().map(MxRecord::exchange).toList());
      } catch (DnsLookupException e) {
        if (e.permanent()) {
          return Optional.of(List.of(domain));
        }
        unable(type, domain, "Host not found, try again");
        return Optional.empty();
      }
    }
    return nameServers(domain, name);
  }

  /** NS records of the domain, else of its parents; Postfix names the input when all had none. */
  private Optional<List<String>> nameServers(String domain, String name) {
    String zone = domain;
    while (true) {
      String none;
      try {
        DnsAnswer<String> ns = dns.resolver().ns(zone);
        if (!ns.isEmpty()) {
          return Optional.of(ns.records());
        }
        none = "Host found but no data record of requested type";
      } catch (DnsLookupException e) {
        if (!e.permanent()) {
          unable(Type.NS, zone, "Host not found, try again");
          return Optional.empty();
        }
        none = "Host not found";
      }
      int dot = zone.indexOf('.');
      if (dot < 0 || dot + 1 == zone.length()) {
        unable(Type.NS, zone.equals(domain) && dot < 0 ? domain : name, none);
        return Optional.empty();
      }
      zone = zone.substring(dot + 1);
    }
  }

  private void unable(Type type, String what, String why) {
    state.warning("Unable to look up " + type + " host for " + what + ": " + why);
  }

  /** One server: its name and parent domains (not for A), then each of its addresses. */
  private Optional<Found> host(LookupTable table, Type type, String host, String replyName,
      String replyClass, String defaultAcl) throws SmtpdCheck.Abort {
    if (AccessKeys.isAddress(host)) {
      return address(table, host, replyName, replyClass, defaultAcl);
    }
    if (type != Type.A) {
      Optional<Found> byName = find(table, AccessKeys.domain(host, parentMatchesSubdomains), host,
          replyName, replyClass, defaultAcl);
      if (byName.isPresent()) {
        return byName;
      }
    }
    List<InetAddress> addresses;
    try {
      addresses = dns.peerNames().addresses(host, dns.inetProtocols());
    } catch (DnsLookupException e) {
      if (type != Type.A) {
        state.warning("Unable to look up " + type + " host " + host + " for " + replyClass + " "
            + replyName + ": " + e.getMessage());
      }
      return Optional.empty();
    }
    for (InetAddress a : addresses) {
      Optional<Found> found = address(table, a.getHostAddress(), replyName, replyClass, defaultAcl);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private Optional<Found> address(LookupTable table, String address, String replyName,
      String replyClass, String defaultAcl) throws SmtpdCheck.Abort {
    return find(table, AccessKeys.address(address), address, replyName, replyClass, defaultAcl);
  }

  /** The first key the table has decides, even when its result is DUNNO. */
  private Optional<Found> find(LookupTable table, List<AccessKeys.Key> keys, String datum,
      String replyName, String replyClass, String defaultAcl) throws SmtpdCheck.Abort {
    boolean fixed = table.matchStyle() == LookupTable.MatchStyle.FIXED;
    for (AccessKeys.Key key : keys) {
      if (key.partial() && !fixed) {
        continue;
      }
      String value;
      try {
        value = table.find(key.text()).orElse(null);
      } catch (TableException e) {
        state.warning(e.getMessage());
        value = "451 4.3.5 Server configuration error";
      }
      if (value != null) {
        return Optional.of(new Found(
            results.apply(table.spec(), value, datum, replyName, replyClass, defaultAcl)));
      }
    }
    return Optional.empty();
  }
}
