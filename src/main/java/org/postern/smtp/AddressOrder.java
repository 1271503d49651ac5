package org.postern.smtp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The order in which the client tries the addresses of a destination, as Postfix's {@code
 * smtp_addr} arranges them: every address carries the preference of the MX record that named its
 * host (0 without MX); with {@code smtp_randomize_addresses} the whole list is shuffled, then
 * sorted by preference and, within a preference, by address family when {@code
 * smtp_address_preference} is {@code ipv4} or {@code ipv6} ({@code any}: no family order, so
 * equal-preference IPv4 and IPv6 addresses stay in random order). With {@code
 * smtp_balance_inet_protocols} both families keep a share of the {@code smtp_mx_address_limit}
 * slots when both are present; then the list is cut at that limit.
 *
 * <p>Pure: no I/O; the random source is given, so tests are deterministic.
 */
final class AddressOrder {
  /** {@code smtp_address_preference}: which family to try first among equal preferences. */
  enum Preference {
    ANY, IPV4, IPV6;

    static Preference parse(String parameter, String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "any" -> ANY;
        case "ipv4" -> IPV4;
        case "ipv6" -> IPV6;
        default -> throw new IllegalArgumentException(
            "bad " + parameter + " value: " + value + " (expected any, ipv4 or ipv6)");
      };
    }
  }

  /** A server and the preference of the MX record that led to it. */
  record Candidate(int preference, Server server) {
    boolean ipv6() {
      return server.address().orElse(null) instanceof Inet6Address;
    }

    boolean ipv4() {
      return server.address().orElse(null) instanceof Inet4Address;
    }
  }

  private final Preference preference;
  private final boolean randomize;
  private final boolean balance;
  private final int limit;
  private final Random random;

  AddressOrder(Preference preference, boolean randomize, boolean balance, int limit,
      Random random) {
    this.preference = preference;
    this.randomize = randomize;
    this.balance = balance;
    this.limit = limit;
    this.random = random;
  }

  /** The servers to try, in order, at most {@code limit} of them (0: no limit). */
  List<Server> order(List<Candidate> candidates) {
    List<Candidate> list = new ArrayList<>(candidates);
    if (list.size() > 1) {
      if (randomize) {
        Collections.shuffle(list, random);
      }
      list.sort(Comparator.comparingInt(Candidate::preference).thenComparingInt(this::familyRank));
      if (limit > 0 && balance) {
        list = balanced(list);
      }
    }
    List<Server> out = new ArrayList<>();
    for (Candidate c : list) {
      if (limit > 0 && out.size() >= limit) {
        break;
      }
      out.add(c.server());
    }
    return out;
  }

  private int familyRank(Candidate c) {
    return switch (preference) {
      case ANY -> 0;
      case IPV4 -> c.ipv4() ? 0 : 1;
      case IPV6 -> c.ipv6() ? 0 : 1;
    };
  }

  /**
   * Keeps the order but drops addresses so that neither family crowds the other out of the first
   * {@code limit}: a family with at most half the slots keeps all its addresses, the other family
   * gets the rest; when both have more than half, they split evenly, the odd slot going to the
   * family of the first address.
   */
  private List<Candidate> balanced(List<Candidate> list) {
    int v4 = (int) list.stream().filter(Candidate::ipv4).count();
    int v6 = (int) list.stream().filter(Candidate::ipv6).count();
    if (v4 == 0 || v6 == 0 || v4 + v6 <= limit) {
      return list;
    }
    int keep4;
    int keep6;
    if (v6 <= limit / 2) {
      keep6 = v6;
      keep4 = limit - keep6;
    } else if (v4 <= limit / 2) {
      keep4 = v4;
      keep6 = limit - keep4;
    } else {
      keep4 = (limit + (list.getFirst().ipv4() ? 1 : 0)) / 2;
      keep6 = limit - keep4;
    }
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : list) {
      if (c.ipv4() && keep4 > 0) {
        keep4--;
        out.add(c);
      } else if (c.ipv6() && keep6 > 0) {
        keep6--;
        out.add(c);
      }
    }
    return out;
  }
}
