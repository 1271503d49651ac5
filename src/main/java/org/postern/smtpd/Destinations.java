package org.postern.smtpd;

import java.util.Locale;
import org.postern.deliver.AddressResolver;
import org.postern.deliver.Resolution;
import org.postern.deliver.Resolution.AddressClass;
import org.postern.deliver.ResolveException;

/**
 * Where an address really goes, as smtpd asks trivial-rewrite ({@code smtpd_resolve_addr()}):
 * the address class of ADDRESS_CLASS_README, the resolved recipient (case-folded) and whether it
 * is still routed. The relay checks ({@code permit_auth_destination}, {@code
 * reject_unauth_destination}) and the recipient table checks ({@code reject_unlisted_recipient},
 * {@code reject_unlisted_sender}) all start here; the class decision itself has one home, the
 * resolver, shared with the queue manager.
 *
 * <p>An address is an authorized destination when it resolves to a local, virtual alias or
 * virtual mailbox domain (Postfix's {@code RESOLVE_CLASS_FINAL}) or to a relay domain, unless the
 * resolved recipient still carries a routing operator in its local part and {@code
 * allow_untrusted_routing = no} ({@code u%elsewhere@relay.example} is not relayed).
 *
 * <p>Failure: a resolver whose tables cannot answer throws {@link ResolveException}; the
 * restrictions turn it into {@code 451 4.3.0 <address>: Temporary lookup failure}.
 */
final class Destinations {
  private final AddressResolver resolver;
  private final boolean allowUntrustedRouting;

  Destinations(AddressResolver resolver, boolean allowUntrustedRouting) {
    this.resolver = resolver;
    this.allowUntrustedRouting = allowUntrustedRouting;
  }

  /** The resolver's answer for {@code address} (internal form), its recipient case-folded. */
  Resolution resolve(String address) throws ResolveException {
    Resolution r = resolver.resolve(address);
    return new Resolution(r.addressClass(), r.transport(), r.nexthop(),
        r.recipient().toLowerCase(Locale.ROOT));
  }

  /** {@code permit_auth_destination}: a final or relay destination, not reached by routing. */
  boolean authorized(Resolution r) {
    if (r.recipient().indexOf('@') < 0) {
      // Postfix: a resolved recipient without a domain "is not supposed to happen"; it is let be.
      return true;
    }
    if (routedUntrusted(r)) {
      return false;
    }
    return r.addressClass() != AddressClass.DEFAULT;
  }

  /** A routed recipient that {@code allow_untrusted_routing = no} keeps from counting as local. */
  boolean routedUntrusted(Resolution r) {
    return !allowUntrustedRouting && r.routed();
  }
}
