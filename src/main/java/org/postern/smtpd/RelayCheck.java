package org.postern.smtpd;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A minimal {@code smtpd_relay_restrictions}: decides whether a client may send to a recipient.
 *
 * <p>The recipient is judged by its real destination, as Postfix's trivial-rewrite resolves it:
 * the source route is already gone (see {@link MailAddress}); when the domain is local ({@code
 * mydestination}, or no domain at all), routing operators left in the local part ({@code
 * "u@evil"@local}, {@code u%evil@local}, {@code evil!u@local}) are resolved again towards the
 * domain they name, and the address counts as routed. {@code permit_auth_destination} semantics:
 * a routed address is never authorized unless {@code allow_untrusted_routing = yes}; otherwise a
 * local destination, or one matching {@code relay_domains} (or a subdomain), is.
 *
 * <p>Failure: none; every address gets a verdict. A client outside {@code mynetworks} and not
 * authenticated relays nothing.
 */
public final class RelayCheck {
  /** The restrictions understood in {@code smtpd_relay_restrictions}, with Postfix spelling. */
  public enum Restriction {
    PERMIT_MYNETWORKS,
    PERMIT_SASL_AUTHENTICATED,
    PERMIT_AUTH_DESTINATION,
    DEFER_UNAUTH_DESTINATION,
    REJECT_UNAUTH_DESTINATION,
    PERMIT,
    REJECT,
    DEFER;

    static Optional<Restriction> named(String word) {
      for (Restriction r : values()) {
        if (r.name().equalsIgnoreCase(word)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  /** The client facts a restriction looks at. */
  record Client(boolean inMynetworks, boolean saslAuthenticated) {}

  /** Where a recipient really goes. */
  record Destination(String domain, boolean local, boolean relay, boolean routed) {}

  private static final int MAX_ROUTING_STEPS = 10;

  private final List<Restriction> restrictions;
  private final List<String> mydestination;
  private final List<String> relayDomains;
  private final boolean allowUntrustedRouting;

  public RelayCheck(
      List<Restriction> restrictions,
      List<String> mydestination,
      List<String> relayDomains,
      boolean allowUntrustedRouting) {
    this.restrictions = List.copyOf(restrictions);
    this.mydestination = List.copyOf(mydestination);
    this.relayDomains = List.copyOf(relayDomains);
    this.allowUntrustedRouting = allowUntrustedRouting;
  }

  /** Empty when the restrictions permit (or say nothing); else the reply that refuses. */
  Optional<Reply> check(Client client, MailAddress recipient) {
    for (Restriction r : restrictions) {
      switch (r) {
        case PERMIT_MYNETWORKS -> {
          if (client.inMynetworks()) {
            return Optional.empty();
          }
        }
        case PERMIT_SASL_AUTHENTICATED -> {
          if (client.saslAuthenticated()) {
            return Optional.empty();
          }
        }
        case PERMIT_AUTH_DESTINATION -> {
          if (authorized(recipient)) {
            return Optional.empty();
          }
        }
        case DEFER_UNAUTH_DESTINATION -> {
          if (!authorized(recipient)) {
            return Optional.of(denied(454, "4.7.1", recipient));
          }
        }
        case REJECT_UNAUTH_DESTINATION -> {
          if (!authorized(recipient)) {
            return Optional.of(denied(554, "5.7.1", recipient));
          }
        }
        case PERMIT -> {
          return Optional.empty();
        }
        case REJECT -> {
          return Optional.of(Reply.of(554, "5.7.1", "<" + recipient.internal() + ">: Access denied"));
        }
        case DEFER -> {
          return Optional.of(Reply.of(450, "4.7.1", "<" + recipient.internal() + ">: Access denied"));
        }
      }
    }
    return Optional.empty();
  }

  private static Reply denied(int code, String enhanced, MailAddress recipient) {
    return Reply.of(code, enhanced, "<" + recipient.internal() + ">: Relay access denied");
  }

  boolean authorized(MailAddress recipient) {
    Destination d = resolve(recipient);
    if (d.routed() && !allowUntrustedRouting) {
      return false;
    }
    return d.local() || d.relay();
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
    return new Destination(domain, isLocal(domain), isRelay(domain), routed);
  }

  private boolean isLocal(String domain) {
    return domain.isEmpty() || mydestination.contains(trimDot(domain));
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
