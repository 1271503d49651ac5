package org.postern.rewrite;

import org.postern.table.TableException;

/**
 * The resolver's first step: strips local domains off an address and follows the routing
 * operators that were behind them, until a remote domain is reached or nothing but a local user
 * is left. {@code user%remote@local} and {@code remote!user@local} go to {@code remote}, {@code
 * "user@remote"@local} too when {@code resolve_dequoted_address = yes}; routing operators
 * before a remote domain are that domain's business and stay.
 *
 * <p>An empty local part becomes {@code $empty_address_recipient}; a domain-less one is
 * re-resolved with {@code @$myhostname}.
 *
 * <p>Failure: a {@code mydestination} table that cannot answer is a {@link TableException}; an
 * address that keeps changing (no real address does) is given up after its length plus 100
 * rounds, as {@link Outcome#GAVE_UP}.
 */
final class LocalRouting {
  /** How the loop ended. */
  enum Outcome {
    /** At a domain that is not local. */
    REMOTE,
    /** At a local user; the recipient has the last local domain stripped (or $myhostname). */
    LOCAL,
    /** The address kept changing; the caller defers it. */
    GAVE_UP
  }

  /** The address the loop ended with, and how it ended. */
  record Stripped(String recipient, Outcome outcome) {}

  private final RewriteSettings settings;
  private final CanonicalRewrite rewrite;
  private final LocalDestination localDestination;

  LocalRouting(RewriteSettings settings, CanonicalRewrite rewrite, LocalDestination local) {
    this.settings = settings;
    this.rewrite = rewrite;
    this.localDestination = local;
  }

  Stripped strip(String address) throws TableException {
    String addr = address;
    String savedDomain = null;
    int limit = address.length() + 100;
    for (int round = 0; round <= limit; round++) {
      addr = CanonicalRewrite.stripTrailingDot(addr);
      int at = addr.lastIndexOf('@');
      if (at == addr.length() - 1 && at >= 0 && settings.resolveNullDomain()) {
        addr = addr.substring(0, at);
        at = -1;
      }
      if (at >= 0) {
        String domain = addr.substring(at + 1);
        if (!domain.isEmpty() && !localDestination.isLocal(domain)) {
          return new Stripped(addr, Outcome.REMOTE);
        }
        savedDomain = domain;
        addr = addr.substring(0, at);
      }
      String next = reroute(addr);
      if (next != null) {
        addr = next;
      } else if (addr.isEmpty()) {
        addr = settings.emptyAddressRecipient();
      } else if (savedDomain == null) {
        addr = addr + "@" + settings.myhostname();
      } else {
        return new Stripped(addr + "@" + savedDomain, Outcome.LOCAL);
      }
    }
    return new Stripped(addr, Outcome.GAVE_UP);
  }

  /** {@code local} with its routing operator applied, or null when it has none. */
  private String reroute(String local) {
    if (!CanonicalRewrite.needsQuoting(local)) {
      boolean bang = settings.swapBangpath() && local.indexOf('!') >= 0;
      boolean percent = settings.allowPercentHack() && local.indexOf('%') >= 0;
      return bang || percent ? rewrite.rewrite(local, true) : null;
    }
    if (!settings.resolveDequotedAddress()) {
      return null;
    }
    int oper = local.lastIndexOf('@');
    if (oper < 0 && settings.allowPercentHack()) {
      oper = local.lastIndexOf('%');
    }
    if (oper < 0 && settings.swapBangpath()) {
      oper = local.lastIndexOf('!');
    }
    if (oper < 0) {
      return null;
    }
    if (local.charAt(oper) == '!') {
      return rewrite.rewrite(local, true);
    }
    return rewrite.rewrite(local.substring(0, oper) + "@" + local.substring(oper + 1), false);
  }
}
