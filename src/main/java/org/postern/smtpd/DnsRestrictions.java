package org.postern.smtpd;

import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.deliver.Resolution;
import org.postern.deliver.Resolution.AddressClass;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.DnsjavaResolver;
import org.postern.dns.HostsFile;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;

/**
 * The restrictions of smtpd_access(5) that ask the DNS about the client, its HELO name or an
 * address domain: {@code reject_unknown_client_hostname} (no forward-confirmed reverse name;
 * {@code unknown_client_reject_code}, 450 when a lookup failed transiently), {@code
 * reject_unknown_reverse_client_hostname} (no reverse name at all), {@code
 * reject_unknown_helo_hostname} (no A, AAAA or MX record; {@code unknown_hostname_reject_code})
 * and {@code reject_unknown_sender_domain} / {@code reject_unknown_recipient_domain} (no MX, A or
 * AAAA record; {@code unknown_address_reject_code}; a null MX, RFC 7505, is refused with 550
 * 5.7.27 or 556 5.1.10). A DNS server failure on the HELO name or a domain is {@code 450} under
 * {@code unknown_helo_hostname_tempfail_action} / {@code unknown_address_tempfail_action}: {@code
 * defer_if_permit} (the default) or {@code defer}.
 *
 * <p>Failure: NXDOMAIN, "no records" and a name that is not a valid host name (a trailing dot,
 * an address) are permanent; any other DNS error (SERVFAIL, REFUSED, timeout) is a temporary
 * failure, as Postfix's resolver reports them.
 */
final class DnsRestrictions {
  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);
  private static final InetProtocols IPV4 = new InetProtocols(true, false);
  private static final InetProtocols IPV6 = new InetProtocols(false, true);
  /** Address classes Postfix delivers itself (RESOLVE_CLASS_FINAL): nothing to ask the DNS. */
  private static final Set<AddressClass> FINAL =
      Set.of(AddressClass.LOCAL, AddressClass.VIRTUAL_ALIAS, AddressClass.VIRTUAL_MAILBOX);

  /** What the DNS lookups of one domain came to, in Postfix's order of precedence (lowest first). */
  private enum Lookup {
    NOT_FOUND,
    NULL_MX,
    RETRY,
    OK
  }

  /**
   * The configuration: resolver, client name lookup, the address families of {@code
   * inet_protocols}, reply codes and tempfail actions.
   */
  record Settings(
      Resolver resolver,
      PeerNameLookup peerNames,
      InetProtocols inetProtocols,
      int unknownClientCode,
      int unknownHostnameCode,
      int unknownAddressCode,
      boolean heloTempfailDefersIfPermit,
      boolean addressTempfailDefersIfPermit) {

    static Settings fromConfig(MainConfig c) throws ConfigException {
      Resolver resolver;
      try {
        resolver = DnsjavaResolver.configured(
            c.get("postern_dns_resolver_address"), Path.of("/etc/resolv.conf"), DNS_TIMEOUT);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException(c.configDirectory().resolve("main.cf"), 0,
            "postern_dns_resolver_address", e.getMessage());
      }
      return new Settings(
          resolver,
          new PeerNameLookup(c.getBoolean("smtpd_peername_lookup"), resolver,
              HostsFile.read(Path.of("/etc/hosts"))),
          inetProtocols(c),
          c.getInt("unknown_client_reject_code"),
          c.getInt("unknown_hostname_reject_code"),
          c.getInt("unknown_address_reject_code"),
          defersIfPermit(c, "unknown_helo_hostname_tempfail_action",
              c.get("unknown_helo_hostname_tempfail_action")),
          defersIfPermit(c, "unknown_address_tempfail_action",
              c.get("unknown_address_tempfail_action")));
    }

    private static InetProtocols inetProtocols(MainConfig c) throws ConfigException {
      try {
        return InetProtocols.parse(c.getList("inet_protocols"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(c.configDirectory().resolve("main.cf"), 0, "inet_protocols",
            e.getMessage());
      }
    }

    private static boolean defersIfPermit(MainConfig c, String name, String value)
        throws ConfigException {
      return switch (value.strip()) {
        case "defer_if_permit" -> true;
        case "defer" -> false;
        default -> throw new ConfigException(c.configDirectory().resolve("main.cf"), 0, name,
            "bad configuration: " + name + " = " + value);
      };
    }
  }

  private final SmtpdCheck check;
  private final CheckState state;
  private final Settings settings;

  DnsRestrictions(SmtpdCheck check, Settings settings) {
    this.check = check;
    this.state = check.state;
    this.settings = settings;
  }

  /** {@code reject_unknown_client_hostname}: the client has no forward-confirmed reverse name. */
  SmtpdCheck.Status unknownClient() {
    PeerName.Status status = state.peer.nameStatus();
    if (status == PeerName.Status.OK) {
      return SmtpdCheck.Status.DUNNO;
    }
    int code = status == PeerName.Status.TEMP ? 450 : settings.unknownClientCode();
    return check.reject(code, "4.7.25",
        "Client host rejected: cannot find your hostname, [" + state.clientAddress + "]");
  }

  /** {@code reject_unknown_reverse_client_hostname}: the client address has no name at all. */
  SmtpdCheck.Status unknownReverseClient() {
    PeerName.Status status = state.peer.reverseNameStatus();
    if (status == PeerName.Status.OK) {
      return SmtpdCheck.Status.DUNNO;
    }
    int code = status == PeerName.Status.PERM ? settings.unknownClientCode() : 450;
    return check.reject(code, "4.7.1",
        "Client host rejected: cannot find your reverse hostname, [" + state.clientAddress + "]");
  }

  /**
   * {@code reject_unknown_helo_hostname} for a HELO name that is not an address literal: A, AAAA
   * or MX, whichever answers first; a null MX is enough for a host that sends but takes no mail.
   */
  SmtpdCheck.Status unknownHelo(String helo) {
    Lookup found = !queryable(helo) ? Lookup.NOT_FOUND
        : first(addresses(helo, IPV4), () -> addresses(helo, IPV6), () -> mx(helo));
    if (found == Lookup.OK || found == Lookup.NULL_MX) {
      return SmtpdCheck.Status.DUNNO;
    }
    String text = "<" + helo + ">: " + SmtpdCheck.HELO + " rejected: Host not found";
    if (found == Lookup.RETRY) {
      return tempfail(settings.heloTempfailDefersIfPermit(), "4.7.1", text);
    }
    return check.reject(settings.unknownHostnameCode(), "4.7.1", text);
  }

  /**
   * {@code reject_unknown_sender_domain} and {@code reject_unknown_recipient_domain}: the domain
   * of {@code address}, as trivial-rewrite resolved it, needs an MX, A or AAAA record, unless it
   * is delivered here or is an address literal.
   */
  SmtpdCheck.Status unknownAddress(Resolution resolved, String address, String replyClass) {
    int at = resolved.recipient().lastIndexOf('@');
    String domain = resolved.domain();
    if (at < 0 || FINAL.contains(resolved.addressClass())
        || domain.startsWith("[") && domain.endsWith("]")) {
      return SmtpdCheck.Status.DUNNO;
    }
    String name = ascii(domain);
    boolean sender = replyClass.equals(SmtpdCheck.SENDER);
    Lookup found = queryable(name) ? mailhost(name) : Lookup.NOT_FOUND;
    String prefix = "<" + address + ">: " + replyClass + " rejected: ";
    String dsn = sender ? "4.1.8" : "4.1.2";
    return switch (found) {
      case OK -> SmtpdCheck.Status.DUNNO;
      case NULL_MX -> check.reject(sender ? 550 : 556, sender ? "4.7.27" : "4.1.10",
          prefix + "Domain " + name + " does not accept mail (nullMX)");
      case RETRY -> tempfail(settings.addressTempfailDefersIfPermit(), dsn, prefix + "Domain not found");
      case NOT_FOUND -> check.reject(settings.unknownAddressCode(), dsn, prefix + "Domain not found");
    };
  }

  /** MX first, where a null MX ends the search; then A and AAAA. */
  private Lookup mailhost(String name) {
    Lookup mx = mx(name);
    if (mx == Lookup.OK || mx == Lookup.NULL_MX) {
      return mx;
    }
    return max(mx, first(addresses(name, IPV4), () -> addresses(name, IPV6)));
  }

  /** Postfix's DEFER_IF_PERMIT: a 450 now, or one kept for when the lists would permit. */
  private SmtpdCheck.Status tempfail(boolean deferIfPermit, String dsn, String text) {
    if (deferIfPermit && state.warnIfReject == 0) {
      return check.deferIf(state.deferIfPermit, 450, dsn, text);
    }
    return check.reject(450, dsn, text);
  }

  /**
   * Postfix asks the DNS only about a valid host name (a leading {@code *} label allowed); any
   * other name, a trailing dot or an address among them, is not found.
   */
  private static boolean queryable(String name) {
    return Restrictions.validHostname(name)
        || name.startsWith("*.") && Restrictions.validHostname(name.substring(2));
  }

  /** Stops at the first lookup that finds records; otherwise the most telling failure. */
  @SafeVarargs
  private static Lookup first(Lookup found, Supplier<Lookup>... more) {
    Lookup result = found;
    for (Supplier<Lookup> next : more) {
      if (result == Lookup.OK) {
        return result;
      }
      result = max(result, next.get());
    }
    return result;
  }

  private static Lookup max(Lookup a, Lookup b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private Lookup addresses(String name, InetProtocols family) {
    try {
      DnsAnswer<InetAddress> a = settings.resolver().addresses(name, family);
      return a.isEmpty() ? Lookup.NOT_FOUND : Lookup.OK;
    } catch (DnsLookupException e) {
      return e.permanent() ? Lookup.NOT_FOUND : Lookup.RETRY;
    }
  }

  private Lookup mx(String name) {
    try {
      List<MxRecord> records = settings.resolver().mx(name).records();
      if (records.stream().anyMatch(MxRecord::isNullMx)) {
        return Lookup.NULL_MX;
      }
      return records.isEmpty() ? Lookup.NOT_FOUND : Lookup.OK;
    } catch (DnsLookupException e) {
      return e.permanent() ? Lookup.NOT_FOUND : Lookup.RETRY;
    }
  }

  /** An internationalized domain in its A-label form, as Postfix asks the DNS; else as is. */
  private static String ascii(String domain) {
    if (domain.chars().allMatch(c -> c < 0x80)) {
      return domain;
    }
    try {
      return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      return domain;
    }
  }
}
