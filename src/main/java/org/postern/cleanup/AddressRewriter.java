package org.postern.cleanup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.queue.CleanupStatus;
import org.postern.table.TableException;

/**
 * Envelope address rewriting for one message, in Postfix cleanup's order: a domain-less address
 * gets {@code @$myorigin}; the sender goes through sender_canonical_maps then canonical_maps; a
 * recipient through recipient_canonical_maps then canonical_maps, then virtual_alias_maps.
 *
 * <p>Canonical mapping is one-to-one and repeated on its result until an address maps to itself,
 * at most 10 times (then a warning, and the last result stands). Virtual aliasing is one-to-many:
 * each result is expanded again; an address that expands to itself (among others) stops there;
 * more than {@code virtual_alias_expansion_limit} addresses, or a chain deeper than {@code
 * virtual_alias_recursion_limit} (a loop), defers the message ("message not accepted, try again
 * later"), as Postfix 3 does.
 *
 * <p>Failure: a table lookup error is logged with the table's parameter name and makes the message
 * fail temporarily (queue file write error), never "not found".
 */
final class AddressRewriter {
  private static final int CANONICAL_RECURSION_LIMIT = 10;

  private final AddressMaps canonical;
  private final AddressMaps senderCanonical;
  private final AddressMaps recipientCanonical;
  private final AddressMaps virtualAlias;
  private final CleanupSettings settings;
  private final String queueId;
  private final ActionLogger log;
  private final CleanupErrors errors;

  AddressRewriter(Cleanup.Maps maps, CleanupSettings settings, String queueId, ActionLogger log,
      CleanupErrors errors) {
    this.canonical = maps.canonical();
    this.senderCanonical = maps.senderCanonical();
    this.recipientCanonical = maps.recipientCanonical();
    this.virtualAlias = maps.virtualAlias();
    this.settings = settings;
    this.queueId = queueId;
    this.log = log;
    this.errors = errors;
  }

  /** A domain-less address qualified with $myorigin, as trivial-rewrite's local context does. */
  String qualify(String address) {
    if (address.isEmpty() || address.indexOf('@') >= 0 || settings.myorigin().isEmpty()) {
      return address;
    }
    return address + "@" + settings.myorigin();
  }

  String sender(String sender) {
    if (sender.isEmpty()) {
      return sender;
    }
    String s = mapOne(senderCanonical, qualify(sender));
    return mapOne(canonical, s);
  }

  String recipientCanonical(String recipient) {
    return mapOne(canonical, mapOne(recipientCanonical, qualify(recipient)));
  }

  /** The virtual alias expansion of {@code recipient} (itself when it has none). */
  List<String> virtualExpansion(String recipient) {
    if (virtualAlias.isEmpty()) {
      return List.of(recipient);
    }
    try {
      return expand(recipient);
    } catch (TableException e) {
      return lookupProblem(virtualAlias, recipient, List.of(recipient));
    }
  }

  private List<String> expand(String recipient) throws TableException {
    List<String> out = new ArrayList<>(List.of(recipient));
    Set<String> expandsToSelf = new HashSet<>();
    for (int arg = 0; arg < out.size(); arg++) {
      if (out.size() > settings.virtualAliasExpansionLimit()) {
        return unexpand(recipient, "expansion size");
      }
      for (int count = 0; ; count++) {
        String current = out.get(arg);
        if (expandsToSelf.contains(current.toLowerCase(Locale.ROOT))) {
          break;
        }
        if (count >= settings.virtualAliasRecursionLimit()) {
          return unexpand(recipient, "nesting");
        }
        Optional<List<String>> found =
            virtualAlias.map(current, settings.propagateVirtualExtension());
        if (found.isEmpty()) {
          break;
        }
        List<String> results = found.get();
        for (int i = 0; i < results.size(); i++) {
          String r = results.get(i);
          if (i == 0) {
            out.set(arg, r);
          } else {
            out.add(r);
          }
          if (r.equalsIgnoreCase(current)) {
            expandsToSelf.add(current.toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return out;
  }

  private List<String> unexpand(String recipient, String what) {
    log.warning(queueId + ": unreasonable " + virtualAlias.title() + " map " + what + " for "
        + recipient + " -- message not accepted, try again later");
    errors.add(CleanupStatus.DEFER);
    return List.of(recipient);
  }

  private String mapOne(AddressMaps maps, String address) {
    if (maps.isEmpty()) {
      return address;
    }
    String current = address;
    try {
      for (int count = 0; count < CANONICAL_RECURSION_LIMIT; count++) {
        Optional<List<String>> found = maps.map(current, settings.propagateCanonicalExtension());
        if (found.isEmpty()) {
          return current;
        }
        List<String> results = found.get();
        if (results.size() > 1) {
          log.warning(queueId + ": multi-valued " + maps.title() + " entry for " + current);
        }
        String next = results.get(0);
        boolean self = next.equalsIgnoreCase(current);
        current = next;
        if (self) {
          return current;
        }
      }
    } catch (TableException e) {
      return lookupProblem(maps, current, current);
    }
    log.warning(queueId + ": unreasonable " + maps.title() + " map nesting for " + current);
    return current;
  }

  /** Logs a table that did not answer; the message then fails with a temporary error. */
  private <T> T lookupProblem(AddressMaps maps, String address, T fallback) {
    log.warning(queueId + ": " + maps.title() + " map lookup problem for " + address
        + " -- message not accepted, try again later");
    errors.add(CleanupStatus.WRITE);
    return fallback;
  }
}
