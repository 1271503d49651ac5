package org.postern.smtpd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.dnsbl.DnsblSite;
import org.postern.policy.PolicyClient;
import org.postern.table.LookupTable;

/**
 * One step of an {@code smtpd_*_restrictions} list, as smtpd_access(5) names it: a restriction
 * name, for {@code check_*_access} the table it consults, for {@code check_policy_service} the
 * policy service it asks.
 *
 * <p>Failure: {@link #parse} throws {@link IllegalArgumentException} with Postfix's wording for an
 * unknown restriction, a {@code check_*_access} without {@code type:table} or a {@code
 * check_policy_service} without {@code transport:server}; at startup that is a configuration
 * error, inside an access table result it is a {@code 451 4.3.5} at run time.
 */
record Restriction(
    String name, Optional<LookupTable> table, Optional<PolicyClient> policy, Optional<DnsblSite> site) {
  static final String CHECK_CLIENT_ACCESS = "check_client_access";
  static final String CHECK_HELO_ACCESS = "check_helo_access";
  static final String CHECK_SENDER_ACCESS = "check_sender_access";
  static final String CHECK_RECIPIENT_ACCESS = "check_recipient_access";
  static final String CHECK_POLICY_SERVICE = "check_policy_service";

  /** {@code check_*_mx_access}, {@code check_*_ns_access}, {@code check_*_a_access}: {@link ServerAccess}. */
  private static final Set<String> SERVER_ACCESS =
      Set.of(
          "check_client_mx_access", "check_client_ns_access", "check_client_a_access",
          "check_reverse_client_hostname_mx_access", "check_reverse_client_hostname_ns_access",
          "check_reverse_client_hostname_a_access", "check_helo_mx_access", "check_helo_ns_access",
          "check_helo_a_access", "check_sender_mx_access", "check_sender_ns_access",
          "check_sender_a_access", "check_recipient_mx_access", "check_recipient_ns_access",
          "check_recipient_a_access");

  private static final Set<String> MAP_COMMANDS = union(SERVER_ACCESS,
      Set.of(CHECK_CLIENT_ACCESS, CHECK_HELO_ACCESS, CHECK_SENDER_ACCESS, CHECK_RECIPIENT_ACCESS,
          ClientCertAccess.CHECK_CCERT_ACCESS));

  /** The restrictions that ask the DNS ({@link DnsRestrictions}). */
  private static final Set<String> DNS_NAMES =
      Set.of(
          "reject_unknown_client_hostname", "reject_unknown_reverse_client_hostname",
          "reject_unknown_helo_hostname", "reject_unknown_sender_domain",
          "reject_unknown_recipient_domain");

  /** The sender/login binding restrictions ({@link SenderLogins}). */
  private static final Set<String> SENDER_LOGIN_NAMES = Set.of(
      SenderLogins.REJECT_MISMATCH, SenderLogins.REJECT_AUTHENTICATED, SenderLogins.REJECT_KNOWN,
      SenderLogins.REJECT_UNAUTHENTICATED);

  /** The TLS client certificate restrictions without a table ({@link ClientCertAccess}). */
  private static final Set<String> CLIENT_CERT_NAMES = Set.of(
      ClientCertAccess.PERMIT_TLS_CLIENTCERTS, ClientCertAccess.PERMIT_TLS_ALL_CLIENTCERTS);

  private static final Set<String> BASIC_NAMES =
      Set.of(
          "permit", "reject", "defer", "defer_if_permit", "defer_if_reject", "warn_if_reject",
          "permit_mynetworks", "permit_sasl_authenticated", "reject_unauth_destination",
          "defer_unauth_destination", "permit_auth_destination", "reject_unauth_pipelining",
          "reject_non_fqdn_helo_hostname", "reject_invalid_helo_hostname", "reject_non_fqdn_sender",
          "reject_non_fqdn_recipient", "reject_unlisted_recipient", "reject_unlisted_sender");

  /** Address verification (ADDRESS_VERIFICATION_README), served by {@link UnverifiedAddresses}. */
  private static final Set<String> VERIFY_NAMES =
      Set.of("reject_unverified_recipient", "reject_unverified_sender");

  /** The DNS list restrictions ({@link DnsblRestrictions}): each takes a {@code domain[=filter]}. */
  static final Set<String> DNSBL_NAMES = Set.of(
      "reject_rbl_client", "reject_rhsbl_client", "reject_rhsbl_reverse_client",
      "reject_rhsbl_helo", "reject_rhsbl_sender", "reject_rhsbl_recipient",
      "permit_dnswl_client", "permit_rhswl_client");

  private static final Set<String> NAMES =
      union(BASIC_NAMES, DNS_NAMES, VERIFY_NAMES, SENDER_LOGIN_NAMES, CLIENT_CERT_NAMES);

  private static final Set<String> RELAY_BLOCKERS = Set.of(
      "reject_unauth_destination", "defer_unauth_destination", "reject", "defer", "defer_if_permit");

  /** How deep restriction classes may nest at run time (Postfix's access table recursion limit). */
  static final int MAX_CLASS_DEPTH = 100;

  /** Older names Postfix still accepts. */
  private static final Map<String, String> ALIASES =
      Map.of(
          "reject_non_fqdn_hostname", "reject_non_fqdn_helo_hostname",
          "reject_invalid_hostname", "reject_invalid_helo_hostname",
          "check_recipient_maps", "reject_unlisted_recipient",
          "reject_unknown_client", "reject_unknown_client_hostname",
          "reject_unknown_hostname", "reject_unknown_helo_hostname",
          "reject_unknown_address", "reject_unknown_sender_domain",
          "reject_rbl", "reject_rbl_client");

  /** Opens the table of a {@code check_*_access}; refuses when tables are not allowed. */
  interface TableSource {
    LookupTable open(String spec);
  }

  /** The client of a {@code check_policy_service} argument; refuses when not allowed. */
  interface PolicySource {
    PolicyClient open(String spec);
  }

  /** What a list may name besides built-in restrictions: tables, services, restriction classes. */
  record Sources(TableSource tables, PolicySource policies, Set<String> classes) {}

  Restriction(String name, Optional<LookupTable> table, Optional<PolicyClient> policy) {
    this(name, table, policy, Optional.empty());
  }

  Restriction(String name) {
    this(name, Optional.empty(), Optional.empty());
  }

  Restriction(String name, LookupTable table) {
    this(name, Optional.of(table), Optional.empty());
  }

  /**
   * Parses a restriction list. A bare {@code type:table} means {@code defaultAcl type:table}
   * (Postfix's short-hand); {@code defaultAcl} null means the short-hand is not allowed here. A
   * name of {@code smtpd_restriction_classes} is a restriction of that name; built-in names come
   * first, as in Postfix.
   */
  static List<Restriction> parse(List<String> words, String defaultAcl, Sources sources) {
    TableSource tables = sources.tables();
    List<Restriction> out = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.indexOf(':') > 0) {
        if (defaultAcl == null) {
          throw new IllegalArgumentException(
              "specify one of (check_client_access, check_helo_access, check_sender_access,"
                  + " check_recipient_access) before restriction \"" + word + "\"");
        }
        out.add(new Restriction(defaultAcl, tables.open(word)));
        continue;
      }
      String name = word.toLowerCase(Locale.ROOT);
      name = ALIASES.getOrDefault(name, name);
      if (MAP_COMMANDS.contains(name)) {
        if (i + 1 == words.size() || words.get(i + 1).indexOf(':') <= 0) {
          String arg = i + 1 == words.size() ? "" : words.get(i + 1);
          throw new IllegalArgumentException(
              "restriction " + name + ": bad argument \"" + arg + "\": need maptype:mapname");
        }
        String arg = words.get(++i);
        out.add(new Restriction(name, name.equals(ClientCertAccess.CHECK_CCERT_ACCESS)
            ? ClientCertAccess.table(arg, tables::open)
            : tables.open(arg)));
      } else if (name.equals(CHECK_POLICY_SERVICE)) {
        if (i + 1 == words.size() || words.get(i + 1).indexOf(':') <= 0 && !words.get(i + 1).startsWith("{")) {
          throw new IllegalArgumentException(
              "restriction " + CHECK_POLICY_SERVICE + " must be followed by transport:server");
        }
        out.add(new Restriction(
            name, Optional.empty(), Optional.of(sources.policies().open(words.get(++i)))));
      } else if (DNSBL_NAMES.contains(name)) {
        if (i + 1 == words.size()) {
          throw new IllegalArgumentException("restriction " + name + " requires domain name argument");
        }
        out.add(new Restriction(name, Optional.empty(), Optional.empty(),
            Optional.of(DnsblSite.parse(words.get(++i)))));
      } else if (NAMES.contains(name)) {
        out.add(new Restriction(name));
      } else if (sources.classes().contains(word)) {
        out.add(new Restriction(word));
      } else {
        throw new IllegalArgumentException("unknown smtpd restriction: \"" + word + "\"");
      }
    }
    return List.copyOf(out);
  }

  /**
   * True when the list can ever refuse a relay attempt (Postfix's startup safety check), looking
   * into the restriction classes it names.
   */
  static boolean blocksRelay(List<Restriction> list, Map<String, List<Restriction>> classes) {
    return blocksRelay(list, classes, new HashSet<>());
  }

  private static boolean blocksRelay(
      List<Restriction> list, Map<String, List<Restriction>> classes, Set<String> seen) {
    for (Restriction r : list) {
      if (RELAY_BLOCKERS.contains(r.name())) {
        return true;
      }
      List<Restriction> expansion = classes.get(r.name());
      if (expansion != null && seen.add(r.name()) && blocksRelay(expansion, classes, seen)) {
        return true;
      }
    }
    return false;
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new HashSet<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return Set.copyOf(all);
  }
}
