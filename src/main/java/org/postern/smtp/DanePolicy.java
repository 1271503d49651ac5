package org.postern.smtp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.Resolver;
import org.postern.dns.TlsaRecord;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tls.TlsaMatcher;

/**
 * Turns the {@code dane} and {@code dane-only} levels into the policy for one server (RFC 7672
 * section 2), as Postfix's SMTP client does before it connects.
 *
 * <p>TLSA records are looked up at {@code _port._tcp.host} only when the host's addresses were
 * found with DNSSEC (AD bit), and for an MX host only when the MX answer was too; TLSA records
 * count only when their own answer carried the AD bit. Then: no TLSA records makes {@code dane}
 * {@code may}; records none of which are usable make it {@code encrypt}; usable records hold the
 * session to them. An MX answer without DNSSEC follows {@code smtp_tls_dane_insecure_mx_policy}:
 * {@code dane} looks up TLSA records anyway and logs a match as {@code halfdane}, {@code encrypt}
 * asks for TLS when TLSA records exist, {@code may} ignores them. DANE needs {@code
 * smtp_dns_support_level = dnssec}; without it {@code dane} is {@code may}.
 *
 * <p>The TLSA base domain (RFC 7672 section 2.2.2): when the host name is an alias whose
 * address answer, CNAME chain included, carried the AD bit, TLSA records are looked up at the
 * fully expanded name first and, when none are found there, at the host name itself; as in
 * Postfix, a lookup error at the expanded name defers without trying the other. The reference
 * identifiers for a DANE-TA(2) name check are the base domain, both names and, for MX, the
 * next-hop domain. A CNAME at the TLSA name itself is followed by the recursive resolver. Unlike
 * Postfix, a host whose address answer was not validated gets no TLSA lookup even when its own
 * CNAME record is signed.
 *
 * <p>Failure: {@code dane-only} never downgrades: each case above that would downgrade is a
 * {@code 4.7.5} deferral for this server, with Postfix's text ({@code client TLS configuration
 * problem}, {@code non DNSSEC destination}, {@code no TLSA records found}, {@code TLSA records
 * unusable}). A TLSA lookup that fails (SERVFAIL, as a validating resolver answers a bogus RRset,
 * or a timeout) is a {@code 4.7.5} deferral at both levels, never a downgrade. Both log the level
 * as {@code unknown?}.
 */
final class DanePolicy {
  /** The policy for a server, or why there is none. */
  sealed interface Outcome {}

  record Resolved(ServerTls tls) implements Outcome {}

  record Unavailable(String dsn, String text, SecurityLevel tls) implements Outcome {}

  private final Resolver resolver;
  private final boolean dnssecLookups;
  private final TlsSecurityLevel insecureMxPolicy;

  /**
   * {@code dnssecLookups} when the DNS support level is {@code dnssec}; {@code insecureMxPolicy}
   * is {@code may}, {@code encrypt} or {@code dane}.
   */
  DanePolicy(Resolver resolver, boolean dnssecLookups, TlsSecurityLevel insecureMxPolicy) {
    this.resolver = resolver;
    this.dnssecLookups = dnssecLookups;
    this.insecureMxPolicy = insecureMxPolicy;
  }

  Outcome resolve(ClientTlsPolicy policy, Server server, Destination d) {
    TlsSecurityLevel level = policy.level();
    if (level != TlsSecurityLevel.DANE && level != TlsSecurityLevel.DANE_ONLY) {
      return new Resolved(ServerTls.of(policy));
    }
    if (server.socket().isPresent() || !dnssecLookups) {
      return incompatible(policy, TlsSecurityLevel.MAY, "client TLS configuration problem");
    }
    if (!server.mxSecure()) {
      if (level == TlsSecurityLevel.DANE_ONLY) {
        return incompatible(policy, TlsSecurityLevel.MAY, "non DNSSEC destination");
      }
      if (insecureMxPolicy == TlsSecurityLevel.MAY) {
        return new Resolved(ServerTls.downgraded(policy, TlsSecurityLevel.MAY));
      }
    }
    if (!server.dnssec()) {
      return incompatible(policy, TlsSecurityLevel.MAY, "no TLSA records found");
    }
    String host = server.hostname();
    Optional<Tlsa> found = Optional.empty();
    for (String base : baseDomains(server)) {
      DnsAnswer<TlsaRecord> answer;
      try {
        answer = resolver.tlsa("_" + server.port() + "._tcp." + base);
      } catch (DnsLookupException e) {
        return new Unavailable("4.7.5", "TLSA lookup error for " + host + ":" + server.port(),
            SecurityLevel.undecided(Level.UNKNOWN));
      }
      if (answer.authentic() && !answer.isEmpty()) {
        found = Optional.of(new Tlsa(base, answer.records()));
        break;
      }
    }
    if (found.isEmpty()) {
      return incompatible(policy, TlsSecurityLevel.MAY, "no TLSA records found");
    }
    List<TlsaRecord> usable = TlsaMatcher.usable(found.get().records());
    if (usable.isEmpty() || insecureMxPolicy == TlsSecurityLevel.ENCRYPT && !server.mxSecure()) {
      return incompatible(policy, TlsSecurityLevel.ENCRYPT, "TLSA records unusable");
    }
    Level logged = server.mxSecure() ? Level.of(level) : Level.HALFDANE;
    return new Resolved(new ServerTls(policy, level, logged, usable,
        referenceNames(found.get().base(), server, d)));
  }

  /** TLSA records found at {@code _port._tcp.base}. */
  private record Tlsa(String base, List<TlsaRecord> records) {}

  /**
   * RFC 7672 section 2.2.2: for a host name that is an alias (its address answer, CNAME chain
   * included, validated with DNSSEC), the fully expanded name first, then the name itself.
   */
  private static List<String> baseDomains(Server server) {
    List<String> bases = new ArrayList<>();
    server.canonicalName().ifPresent(bases::add);
    bases.add(server.hostname());
    return bases;
  }

  /**
   * RFC 7672 section 3.2.3: the TLSA base domain, the host name and its expansion, and for MX the
   * next-hop domain; each once.
   */
  private static List<String> referenceNames(String base, Server server, Destination d) {
    Set<String> names = new LinkedHashSet<>();
    names.add(base.toLowerCase(Locale.ROOT));
    names.add(server.hostname().toLowerCase(Locale.ROOT));
    server.canonicalName().ifPresent(c -> names.add(c.toLowerCase(Locale.ROOT)));
    if (d.mxLookup()) {
      names.add(d.host().toLowerCase(Locale.ROOT));
    }
    return List.copyOf(names);
  }

  /**
   * {@code dane} downgrades to {@code to}; {@code dane-only} defers with {@code why}, its level
   * logged {@code unknown?} as Postfix logs a policy it could not settle.
   */
  private static Outcome incompatible(ClientTlsPolicy policy, TlsSecurityLevel to, String why) {
    if (policy.level() == TlsSecurityLevel.DANE) {
      return new Resolved(ServerTls.downgraded(policy, to));
    }
    return new Unavailable("4.7.5", why, SecurityLevel.undecided(Level.UNKNOWN));
  }
}
