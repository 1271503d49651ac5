package org.postern.smtpd;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.deliver.Resolution;
import org.postern.deliver.ResolveException;
import org.postern.policy.PolicyClient;
import org.postern.policy.PolicyService;
import org.postern.table.AccessKeys;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.xbill.DNS.Address;

/**
 * The individual restrictions of smtpd_access(5): what each one looks at, and the reply Postfix
 * sends when it refuses ({@code 554 5.7.1 <x@y>: Relay access denied}, {@code 550 5.1.1 <u@dom>:
 * Recipient address rejected: User unknown in local recipient table}, ...).
 *
 * <p>{@code permit_sasl_authenticated} matches after a successful AUTH with any mechanism but
 * ANONYMOUS, as in Postfix. {@code check_policy_service} asks a policy service over the session's
 * connection to it ({@link PolicyClient}) and treats its action as an access table result.
 */
final class Restrictions {
  private final SmtpdCheck check;
  private final AccessPolicy policy;
  private final CheckState state;
  private final AccessResult results;
  private final DnsRestrictions dns;
  private final ServerAccess servers;
  private Resolved lastResolved;

  /** An address and what the resolver said about it. */
  private record Resolved(String recipient, Resolution resolution) {}

  Restrictions(SmtpdCheck check) {
    this.check = check;
    this.policy = check.policy;
    this.state = check.state;
    this.results = new AccessResult(check);
    this.dns = new DnsRestrictions(check, policy.dns);
    this.servers = new ServerAccess(check, results, policy.dns, policy.parentMatchesSubdomains);
  }

  SmtpdCheck.Status apply(Restriction r, String replyName, String replyClass, String defaultAcl)
      throws SmtpdCheck.Abort {
    AccessPolicy.Codes codes = policy.codes();
    return switch (r.name()) {
      case "permit" -> SmtpdCheck.Status.OK;
      case "reject" ->
          check.reject(codes.reject(), "5.7.1", "<" + replyName + ">: " + replyClass + " rejected: Access denied");
      case "defer" ->
          check.reject(codes.defer(), "4.3.2", "<" + replyName + ">: " + replyClass + " rejected: Try again later");
      case "defer_if_permit" ->
          check.deferIf(state.deferIfPermit, 450, "4.7.0",
              "<" + replyName + ">: " + replyClass + " rejected: defer_if_permit requested");
      case "defer_if_reject" ->
          check.deferIf(state.deferIfReject, 450, "4.7.0",
              "<" + replyName + ">: " + replyClass + " rejected: defer_if_reject requested");
      case "permit_mynetworks" -> state.inMynetworks ? SmtpdCheck.Status.OK : SmtpdCheck.Status.DUNNO;
      case "permit_sasl_authenticated" ->
          state.saslAuthenticated ? SmtpdCheck.Status.OK : SmtpdCheck.Status.DUNNO;
      case "reject_unauth_pipelining" -> unauthPipelining(replyName, replyClass);
      case "reject_non_fqdn_helo_hostname" -> nonFqdnHelo();
      case "reject_invalid_helo_hostname" -> invalidHelo();
      case "reject_non_fqdn_sender" -> nonFqdnAddress(state.sender, SmtpdCheck.SENDER);
      case "reject_non_fqdn_recipient" -> nonFqdnAddress(state.recipient, SmtpdCheck.RECIPIENT);
      case "permit_auth_destination" -> permitAuthDestination();
      case "reject_unauth_destination" -> unauthDestination(codes.relayDomainsReject(), "5.7.1");
      case "defer_unauth_destination" -> unauthDestination(codes.relayDomainsReject() - 100, "4.7.1");
      case "reject_unlisted_recipient" ->
          state.recipient == null || state.recipient.isEmpty()
              ? SmtpdCheck.Status.DUNNO
              : unlistedRecipient(state.recipient);
      case "reject_unlisted_sender" ->
          state.sender == null || state.sender.isEmpty()
              ? SmtpdCheck.Status.DUNNO
              : unlistedSender(state.sender);
      case "reject_unknown_client_hostname" -> dns.unknownClient();
      case "reject_unknown_reverse_client_hostname" -> dns.unknownReverseClient();
      case "reject_unknown_helo_hostname" ->
          state.helo == null ? SmtpdCheck.Status.DUNNO
              : state.helo.startsWith("[") ? invalidAddressLiteral(state.helo) : dns.unknownHelo(state.helo);
      case "reject_unknown_sender_domain" ->
          state.sender == null || state.sender.isEmpty() ? SmtpdCheck.Status.DUNNO
              : dns.unknownAddress(resolve(state.sender), state.sender, SmtpdCheck.SENDER);
      case "reject_unknown_recipient_domain" ->
          state.recipient == null ? SmtpdCheck.Status.DUNNO
              : dns.unknownAddress(resolve(state.recipient), state.recipient, SmtpdCheck.RECIPIENT);
      case "check_client_mx_access", "check_client_ns_access", "check_client_a_access",
          "check_reverse_client_hostname_mx_access", "check_reverse_client_hostname_ns_access",
          "check_reverse_client_hostname_a_access", "check_helo_mx_access", "check_helo_ns_access",
          "check_helo_a_access", "check_sender_mx_access", "check_sender_ns_access",
          "check_sender_a_access", "check_recipient_mx_access", "check_recipient_ns_access",
          "check_recipient_a_access" -> servers.apply(r.name(), r.table().orElseThrow(), defaultAcl);
      case "reject_unverified_recipient" ->
          state.recipient == null || state.recipient.isEmpty()
              ? SmtpdCheck.Status.DUNNO
              : policy.unverified.check(check, state, state.recipient, SmtpdCheck.RECIPIENT);
      case "reject_unverified_sender" ->
          state.sender == null || state.sender.isEmpty()
              ? SmtpdCheck.Status.DUNNO
              : policy.unverified.check(check, state, state.sender, SmtpdCheck.SENDER);
      case Restriction.CHECK_CLIENT_ACCESS -> clientAccess(r.table().orElseThrow(), defaultAcl);
      case Restriction.CHECK_HELO_ACCESS ->
          state.helo == null
              ? SmtpdCheck.Status.DUNNO
              : lookup(r.table().orElseThrow(), AccessKeys.domain(state.helo, policy.parentMatchesSubdomains),
                  state.helo, state.helo, SmtpdCheck.HELO, defaultAcl, false);
      case Restriction.CHECK_SENDER_ACCESS -> senderAccess(r.table().orElseThrow(), defaultAcl);
      case Restriction.CHECK_RECIPIENT_ACCESS ->
          state.recipient == null
              ? SmtpdCheck.Status.DUNNO
              : mailAccess(r.table().orElseThrow(), state.recipient, SmtpdCheck.RECIPIENT, defaultAcl);
      case Restriction.CHECK_POLICY_SERVICE ->
          policyService(r.policy().orElseThrow(), replyName, replyClass, defaultAcl);
      case "reject_rbl_client", "reject_rhsbl_client", "reject_rhsbl_reverse_client",
          "reject_rhsbl_helo", "reject_rhsbl_sender", "reject_rhsbl_recipient" ->
          policy.dnsbl.apply(check, r);
      case "permit_dnswl_client", "permit_rhswl_client" ->
          // Postfix's safety: an allow-list never permits a recipient the relay check refuses.
          state.where.equals("RCPT") && state.recipient != null
              && permitAuthDestination() != SmtpdCheck.Status.OK
              ? SmtpdCheck.Status.DUNNO
              : policy.dnsbl.apply(check, r);
      case SenderLogins.REJECT_MISMATCH, SenderLogins.REJECT_AUTHENTICATED, SenderLogins.REJECT_KNOWN,
          SenderLogins.REJECT_UNAUTHENTICATED -> senderLogin(r.name());
      case ClientCertAccess.PERMIT_TLS_CLIENTCERTS ->
          policy.clientCerts.permit(check, false, replyName);
      case ClientCertAccess.PERMIT_TLS_ALL_CLIENTCERTS ->
          policy.clientCerts.permit(check, true, replyName);
      case ClientCertAccess.CHECK_CCERT_ACCESS ->
          policy.clientCerts.check(check, results, r.table().orElseThrow(), defaultAcl);
      default -> restrictionClass(r.name(), replyName, replyClass, defaultAcl);
    };
  }

  /**
   * A name of {@code smtpd_restriction_classes}: its list, evaluated in place. A class that names
   * itself, directly or not, ends in a server configuration error instead of endless recursion.
   */
  private SmtpdCheck.Status restrictionClass(String name, String replyName, String replyClass,
      String defaultAcl) throws SmtpdCheck.Abort {
    Optional<List<Restriction>> list = policy.restrictionClass(name);
    if (list.isEmpty()) {
      throw check.abort(451, "4.3.5", "Server configuration error");
    }
    if (state.recursion > Restriction.MAX_CLASS_DEPTH) {
      state.warning("restriction class " + name + " causes unreasonable recursion");
      throw check.abort(451, "4.3.5", "Server configuration error");
    }
    return check.generic(list.get(), replyName, replyClass, defaultAcl);
  }

  /**
   * {@code check_policy_service}: the service's action is an access table result, named after the
   * service, about the datum "policy query"; a failed service gives its default action.
   */
  private SmtpdCheck.Status policyService(PolicyClient client, String replyName, String replyClass,
      String defaultAcl) throws SmtpdCheck.Abort {
    PolicyService service = client.service();
    Optional<String> action;
    try {
      action = state.policyLease(client)
          .request(PolicyAttributes.of(state, service, policy), state::log);
    } catch (InterruptedException e) {
      // The server is stopping: no verdict, so the default action decides, as for a dead service.
      Thread.currentThread().interrupt();
      action = Optional.empty();
    }
    return results.apply(service.name(), action.orElse(service.defaultAction()), "policy query",
        replyName, replyClass, defaultAcl);
  }

  /** The sender/login binding restrictions; the null sender is never checked. */
  private SmtpdCheck.Status senderLogin(String name) throws SmtpdCheck.Abort {
    SenderLogins logins = policy.senderLogins;
    if (!logins.saslEnabled()) {
      state.warning("restriction `" + name + "' ignored: no SASL support");
      return SmtpdCheck.Status.DUNNO;
    }
    if (state.sender == null || state.sender.isEmpty()) {
      return SmtpdCheck.Status.DUNNO;
    }
    Optional<String> refusal;
    try {
      refusal = logins.mismatch(name, state.sender, resolve(state.sender), state.saslUsername);
    } catch (TableException e) {
      state.warning(e.getMessage());
      throw check.abort(451, "4.3.0", "<" + state.sender + ">: Temporary lookup failure");
    }
    return refusal.isEmpty() ? SmtpdCheck.Status.DUNNO : check.reject(553, "5.7.1", refusal.get());
  }

  private SmtpdCheck.Status unauthPipelining(String replyName, String replyClass) {
    if (!state.illegalPipelining) {
      return SmtpdCheck.Status.DUNNO;
    }
    return check.reject(503, "5.5.0",
        "<" + replyName + ">: " + replyClass + " rejected: Improper use of SMTP command pipelining");
  }

  private SmtpdCheck.Status nonFqdnHelo() {
    String helo = state.helo;
    if (helo == null) {
      return SmtpdCheck.Status.DUNNO;
    }
    if (helo.startsWith("[")) {
      return invalidAddressLiteral(helo);
    }
    String name = truncateDot(helo);
    if (validHostname(name) && name.indexOf('.') > 0) {
      return SmtpdCheck.Status.DUNNO;
    }
    return check.reject(policy.codes().nonFqdn(), "5.5.2",
        "<" + helo + ">: " + SmtpdCheck.HELO + " rejected: need fully-qualified hostname");
  }

  private SmtpdCheck.Status invalidHelo() {
    String helo = state.helo;
    if (helo == null) {
      return SmtpdCheck.Status.DUNNO;
    }
    if (helo.startsWith("[")) {
      return invalidAddressLiteral(helo);
    }
    String name = truncateDot(helo);
    if (validHostname(name) || AccessKeys.isAddress(name)) {
      return SmtpdCheck.Status.DUNNO;
    }
    return check.reject(policy.codes().invalidHostname(), "5.5.2",
        "<" + helo + ">: " + SmtpdCheck.HELO + " rejected: Invalid name");
  }

  private SmtpdCheck.Status invalidAddressLiteral(String helo) {
    String address = helo.length() > 2 && helo.endsWith("]") ? helo.substring(1, helo.length() - 1) : helo;
    if (validMailhostAddr(address)) {
      return SmtpdCheck.Status.DUNNO;
    }
    return check.reject(policy.codes().invalidHostname(), "5.5.2",
        "<" + helo + ">: " + SmtpdCheck.HELO + " rejected: invalid ip address");
  }

  private SmtpdCheck.Status nonFqdnAddress(String address, String replyClass) {
    if (address == null || address.isEmpty()) {
      return SmtpdCheck.Status.DUNNO;
    }
    int at = address.lastIndexOf('@');
    String domain = at < 0 ? "" : address.substring(at + 1);
    if (domain.startsWith("[") && domain.endsWith("]")) {
      return SmtpdCheck.Status.DUNNO;
    }
    String name = truncateDot(domain);
    if (!name.isEmpty() && validHostname(name) && name.indexOf('.') > 0) {
      return SmtpdCheck.Status.DUNNO;
    }
    return check.reject(policy.codes().nonFqdn(), "4.5.2",
        "<" + address + ">: " + replyClass + " rejected: need fully-qualified address");
  }

  private SmtpdCheck.Status permitAuthDestination() throws SmtpdCheck.Abort {
    if (state.recipient == null) {
      return SmtpdCheck.Status.DUNNO;
    }
    return policy.destinations.authorized(resolve(state.recipient))
        ? SmtpdCheck.Status.OK
        : SmtpdCheck.Status.DUNNO;
  }

  private SmtpdCheck.Status unauthDestination(int code, String dsn) throws SmtpdCheck.Abort {
    if (state.recipient == null || policy.destinations.authorized(resolve(state.recipient))) {
      return SmtpdCheck.Status.DUNNO;
    }
    return check.reject(code, dsn, "<" + state.recipient + ">: Relay access denied");
  }

  /**
   * {@code reject_unlisted_recipient}: the recipient must be a known user of its address class.
   * Runs once per RCPT unless {@code warn_if_reject} softened the first run, as in Postfix.
   */
  SmtpdCheck.Status unlistedRecipient(String recipient) throws SmtpdCheck.Abort {
    if (state.recipientListChecked) {
      return SmtpdCheck.Status.DUNNO;
    }
    state.recipientListChecked = state.warnIfReject == 0;
    return unlisted(recipient, SmtpdCheck.RECIPIENT);
  }

  /** {@code reject_unlisted_sender}: the sender must be a known user of its address class. */
  SmtpdCheck.Status unlistedSender(String sender) throws SmtpdCheck.Abort {
    if (state.senderListChecked) {
      return SmtpdCheck.Status.DUNNO;
    }
    state.senderListChecked = state.warnIfReject == 0;
    return unlisted(sender, SmtpdCheck.SENDER);
  }

  private SmtpdCheck.Status unlisted(String address, String replyClass) throws SmtpdCheck.Abort {
    Resolution r = resolve(address);
    Optional<UnlistedAddresses.Refusal> refusal;
    try {
      refusal = policy.unlisted.check(r, address, replyClass);
    } catch (TableException e) {
      state.warning(e.getMessage());
      throw check.abort(451, "4.3.0", "<" + address + ">: Temporary lookup failure");
    }
    if (refusal.isEmpty()) {
      return SmtpdCheck.Status.DUNNO;
    }
    UnlistedAddresses.Refusal f = refusal.get();
    return check.reject(f.code(), f.dsn(), f.text());
  }

  private SmtpdCheck.Status clientAccess(LookupTable table, String defaultAcl) throws SmtpdCheck.Abort {
    List<AccessKeys.Key> keys =
        AccessKeys.client(state.clientName, state.clientAddress, policy.parentMatchesSubdomains);
    return lookup(table, keys, state.clientName, state.namaddr(), SmtpdCheck.CLIENT, defaultAcl, false);
  }

  private SmtpdCheck.Status senderAccess(LookupTable table, String defaultAcl) throws SmtpdCheck.Abort {
    if (state.sender == null) {
      return SmtpdCheck.Status.DUNNO;
    }
    if (state.sender.isEmpty()) {
      return lookup(table, List.of(new AccessKeys.Key(policy.nullAccessKey, false)), state.sender,
          state.sender, SmtpdCheck.SENDER, defaultAcl, false);
    }
    return mailAccess(table, state.sender, SmtpdCheck.SENDER, defaultAcl);
  }

  private SmtpdCheck.Status mailAccess(LookupTable table, String address, String replyClass, String defaultAcl)
      throws SmtpdCheck.Abort {
    // Postfix looks up the address as the resolver leaves it: canonical, routing resolved.
    Resolution r = resolve(address);
    List<AccessKeys.Key> keys = AccessKeys.mail(
        r.recipient(), policy.myorigin, policy.recipientDelimiter, policy.parentMatchesSubdomains);
    // Postfix: an OK for a source-routed recipient is too suspicious to honour.
    boolean suspicious =
        replyClass.equals(SmtpdCheck.RECIPIENT) && policy.destinations.routedUntrusted(r);
    return lookup(table, keys, r.recipient(), address, replyClass, defaultAcl, suspicious);
  }

  private SmtpdCheck.Status lookup(LookupTable table, List<AccessKeys.Key> keys, String datum,
      String replyName, String replyClass, String defaultAcl, boolean suspicious) throws SmtpdCheck.Abort {
    boolean fixed = table.matchStyle() == LookupTable.MatchStyle.FIXED;
    for (AccessKeys.Key key : keys) {
      if (key.partial() && !fixed) {
        continue;
      }
      Optional<String> value = find(table, key.text(), replyName);
      if (value.isPresent()) {
        SmtpdCheck.Status s =
            results.apply(table.spec(), value.get(), datum, replyName, replyClass, defaultAcl);
        return s == SmtpdCheck.Status.OK && suspicious ? SmtpdCheck.Status.DUNNO : s;
      }
    }
    return SmtpdCheck.Status.DUNNO;
  }

  private Optional<String> find(LookupTable table, String key, String replyName) throws SmtpdCheck.Abort {
    try {
      return table.find(key);
    } catch (TableException e) {
      state.warning(e.getMessage());
      throw check.abort(451, "4.3.0", "<" + replyName + ">: Temporary lookup failure");
    }
  }

  /**
   * Postfix's {@code smtpd_resolve_addr()}; a resolver that cannot answer ends the check. The last
   * answer is kept, as one RCPT asks about the same address in several restrictions.
   */
  private Resolution resolve(String address) throws SmtpdCheck.Abort {
    if (lastResolved != null && lastResolved.recipient().equals(address)) {
      return lastResolved.resolution();
    }
    try {
      Resolution r = policy.destinations.resolve(address);
      lastResolved = new Resolved(address, r);
      return r;
    } catch (ResolveException e) {
      state.warning(e.getMessage());
      throw check.abort(451, "4.3.0", "<" + address + ">: Temporary lookup failure");
    }
  }

  private static String truncateDot(String name) {
    return name.length() > 1 && name.endsWith(".") && !name.endsWith("..")
        ? name.substring(0, name.length() - 1)
        : name;
  }

  /**
   * An address literal's inside, as Postfix's {@code valid_mailhost_addr}: four decimal octets
   * (no leading zero octet but in 0.0.0.0), or {@code IPv6:} and an IPv6 address.
   */
  static boolean validMailhostAddr(String address) {
    if (address.regionMatches(true, 0, "IPv6:", 0, 5)) {
      String v6 = address.substring(5);
      return v6.indexOf(':') >= 0 && Address.toByteArray(v6, Address.IPv6) != null;
    }
    String[] octets = address.split("\\.", -1);
    if (octets.length != 4 || !address.matches("[0-9.]+")) {
      return false;
    }
    for (String octet : octets) {
      String digits = octet.replaceFirst("^0+(?=.)", "");
      if (octet.isEmpty() || digits.length() > 3 || Integer.parseInt(digits) > 255) {
        return false;
      }
    }
    return !(Integer.parseInt(octets[0].replaceFirst("^0+(?=.)", "")) == 0 && !address.matches("[0.]+"));
  }

  /** RFC 1035 host name, as Postfix's {@code valid_hostname}: letters, digits, hyphen, underscore. */
  static boolean validHostname(String name) {
    if (name.isEmpty() || name.length() > 255 || name.matches("[0-9.]+")) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      if (!label.toLowerCase(Locale.ROOT).matches("[a-z0-9_-]+")) {
        return false;
      }
    }
    return true;
  }
}
