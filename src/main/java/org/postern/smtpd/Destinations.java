package org.postern.smtpd;

import java.util.List;
import java.util.Locale;
import org.postern.config.InterfaceAddresses;

/**
 * Where a recipient really goes, as Postfix's trivial-rewrite resolves it for the relay checks
 * ({@code permit_auth_destination}, {@code reject_unauth_destination}) and for {@code
 * reject_unlisted_recipient}.
 *
 * <p>The source route is already gone (see {@link MailAddress}); when the domain is local ({@code
 * mydestination}, or no domain at all), routing operators left in the local part ({@code
 * "u@evil"@local}, {@code u%evil@local}, {@code evil!u@local}) are resolved again towards the
 * domain they name, and the address counts as routed. A routed address is never authorized unless
 * {@code allow_untrusted_routing = yes}; otherwise a local destination, or one matching {@code
 * relay_domains} (or a subdomain), is. An address literal is local when it names one of this
 * host's {@code inet_interfaces} or {@code proxy_interfaces} addresses ({@code u@[127.0.0.1]} with
 * {@code inet_interfaces = all}), as trivial-rewrite's {@code resolve_local()} has it.
 *
 * <p>Failure: none; every address gets a verdict.
 */
final class Destinations {
  /** Where a recipient goes: its final local part and domain, and how it got there. */
  record Destination(String localPart, String domain, boolean local, boolean relay, boolean routed) {}

  private static final int MAX_ROUTING_STEPS = 10;

  private final List<String> mydestination;
  private final List<String> relayDomains;
  private final InterfaceAddresses interfaces;
  private final boolean allowUntrustedRouting;

  Destinations(List<String> mydestination, InterfaceAddresses interfaces, List<String> relayDomains,
      boolean allowUntrustedRouting) {
    this.mydestination = lower(mydestination);
    this.interfaces = interfaces;
    this.relayDomains = lower(relayDomains);
    this.allowUntrustedRouting = allowUntrustedRouting;
  }

  private static List<String> lower(List<String> domains) {
    return domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
  }

  /** {@code permit_auth_destination}: a local or relay destination, not reached by routing. */
  boolean authorized(MailAddress recipient) {
    Destination d = resolve(recipient);
    if (d.routed() && !allowUntrustedRouting) {
      return false;
    }
    return d.local() || d.relay();
  }

  boolean allowUntrustedRouting() {
    return allowUntrustedRouting;
  }

  /** Resolves routing operators in local parts of local destinations, as trivial-rewrite does. */
  Destination resolve(MailAddress recipient) {
    String local = recipient.localPart();
    String domain = recipient.domain().toLowerCase(Locale.ROOT);
    boolean routed = false;
    for (int step = 0; step < MAX_ROUTING_STEPS && isLocal(domain); step++) {
      int at = local.lastIndexOf('@');
      int percent = local.lastIndexOf('%');
      int bang = local.indexOf('!');
      if (at >= 0) {
        domain = local.substring(at + 1).toLowerCase(Locale.ROOT);
        local = local.substring(0, at);
      } else if (percent >= 0) {
        domain = local.substring(percent + 1).toLowerCase(Locale.ROOT);
        local = local.substring(0, percent);
      } else if (bang >= 0) {
        domain = local.substring(0, bang).toLowerCase(Locale.ROOT);
        local = local.substring(bang + 1);
      } else {
        break;
      }
      routed = true;
    }
    return new Destination(local, domain, isLocal(domain), isRelay(domain), routed);
  }

  boolean isLocal(String domain) {
    String d = trimDot(domain.toLowerCase(Locale.ROOT));
    return domain.isEmpty() || mydestination.contains(d) || interfaces.ownsLiteral(d);
  }

  private boolean isRelay(String domain) {
    String d = trimDot(domain);
    for (String r : relayDomains) {
      if (d.equals(r) || d.endsWith("." + r) || (r.startsWith(".") && d.endsWith(r))) {
        return true;
      }
    }
    return false;
  }

  private static String trimDot(String domain) {
    return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
  }
}
