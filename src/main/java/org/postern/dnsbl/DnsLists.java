package org.postern.dnsbl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.ListedAddresses;
import org.postern.dns.Resolver;

/**
 * Asks DNS lists (RFC 5782) about a client address or a domain, as Postfix's smtpd and dnsblog
 * do: the query name is the reversed address ({@code 4.3.2.1.zone}; 32 reversed nibbles for IPv6)
 * or {@code domain.zone}; a site with a reply filter counts only replies inside the filter.
 *
 * <p>Failure: a list that does not answer is {@link Answer.Unavailable} with the resolver's
 * message, never "listed" and never "not listed"; the caller decides (smtpd warns and goes on,
 * postscreen scores nothing for it).
 */
public final class DnsLists {
  /** Postfix joins at most this much TXT text ({@code RBL_TXT_LIMIT}). */
  private static final int TXT_LIMIT = 500;

  private final Resolver resolver;

  public DnsLists(Resolver resolver) {
    this.resolver = resolver;
  }

  /** What a list said about one query name, after the site's reply filter. */
  public sealed interface Answer {
    /** Listed: the reply addresses that passed the filter, and the answer's TTL in seconds. */
    record Listed(String query, List<InetAddress> replies, int ttl) implements Answer {
      public Listed {
        replies = List.copyOf(replies);
      }
    }

    /** Not listed (or no reply passed the filter); the TTL of that answer in seconds, or -1. */
    record NotListed(int ttl) implements Answer {}

    /** The list did not answer: {@code why} is the resolver's message. */
    record Unavailable(String why) implements Answer {}
  }

  /** The query name for client {@code address} at {@code domain}. */
  public static String addressQuery(InetAddress address, String domain) {
    byte[] b = address.getAddress();
    StringBuilder q = new StringBuilder();
    if (address instanceof Inet4Address) {
      for (int i = 3; i >= 0; i--) {
        q.append(b[i] & 0xff).append('.');
      }
    } else {
      for (int i = b.length - 1; i >= 0; i--) {
        q.append(Integer.toHexString(b[i] & 0xf)).append('.')
            .append(Integer.toHexString((b[i] >> 4) & 0xf)).append('.');
      }
    }
    return q.append(domain).toString();
  }

  /**
   * The RHSBL query name for {@code what} (a host name, or an address whose domain counts) at
   * {@code domain}; empty, as in Postfix, for an address literal, an empty or invalid domain, or
   * one whose last label is all digits (some lists refuse "IP queries").
   */
  public static Optional<String> domainQuery(String what, String domain) {
    int at = what.lastIndexOf('@');
    String name = at < 0 ? what : what.substring(at + 1);
    if (name.isEmpty() || name.startsWith("[")) {
      return Optional.empty();
    }
    String last = name.substring(name.lastIndexOf('.') + 1);
    if (!last.isEmpty() && last.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    String ascii;
    try {
      ascii = java.net.IDN.toASCII(name, java.net.IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return validHostname(ascii) ? Optional.of(ascii + "." + domain) : Optional.empty();
  }

  /** Postfix's {@code valid_hostname()}: labels of letters, digits, '-' and '_', at most 255 long. */
  static boolean validHostname(String name) {
    if (name.isEmpty() || name.length() > 255) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
          || !label.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) {
        return false;
      }
    }
    return true;
  }

  /** Asks the list at {@code query} and applies {@code site}'s filter to the reply. */
  public Answer ask(String query, DnsblSite site) {
    ListedAddresses found;
    try {
      found = resolver.listed(query.toLowerCase(Locale.ROOT));
    } catch (DnsLookupException e) {
      return new Answer.Unavailable(e.getMessage());
    }
    if (!found.listed()) {
      return new Answer.NotListed(found.ttl());
    }
    List<InetAddress> kept = new ArrayList<>();
    for (InetAddress a : found.addresses()) {
      if (site.filter().map(f -> f.matches(a)).orElse(true)) {
        kept.add(a);
      }
    }
    return kept.isEmpty()
        ? new Answer.NotListed(found.ttl())
        : new Answer.Listed(query, kept, found.ttl());
  }

  /**
   * The TXT text at {@code query}, Postfix's {@code $rbl_reason}: the records joined with {@code
   * " / "}, at most 500 characters; empty when there is none or the lookup fails.
   */
  public String reason(String query) {
    DnsAnswer<String> txt;
    try {
      txt = resolver.txt(query);
    } catch (DnsLookupException e) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (String record : txt.records()) {
      if (text.length() >= TXT_LIMIT) {
        break;
      }
      if (!text.isEmpty()) {
        text.append(" / ");
      }
      text.append(record);
    }
    return text.length() > TXT_LIMIT ? text.substring(0, TXT_LIMIT) : text.toString();
  }
}
