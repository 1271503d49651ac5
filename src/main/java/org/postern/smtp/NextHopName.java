package org.postern.smtp;

import java.util.Locale;

/**
 * The name part of a next-hop destination, as the REQUIRETLS policy looks it up: without
 * {@code [ ]}, without {@code :port} or {@code :service}, and without the {@code ipv6:} tag of an
 * address literal. Also tells IP addresses from domain names, because an address is never split
 * into parent domains.
 */
final class NextHopName {
  private static final String IPV6_TAG = "ipv6:";

  private NextHopName() {}

  /** {@code [ipv6:2001:db8::1]:25} becomes {@code 2001:db8::1}; {@code host:smtp} becomes host. */
  static String of(String nexthop) {
    String s = nexthop.strip();
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close > 0) {
        String inside = s.substring(1, close);
        return inside.regionMatches(true, 0, IPV6_TAG, 0, IPV6_TAG.length())
            ? inside.substring(IPV6_TAG.length())
            : inside;
      }
    }
    if (isIpv6(s)) {
      return s;
    }
    int colon = s.indexOf(':');
    return colon >= 0 ? s.substring(0, colon) : s;
  }

  /** True for a numeric IPv4 or IPv6 address. */
  static boolean isHostAddress(String name) {
    return isIpv4(name) || isIpv6(name);
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** RFC 4291 text form: hex groups, at most one {@code ::}, optionally an IPv4 tail. */
  static boolean isIpv6(String s) {
    if (s.indexOf(':') < 0) {
      return false;
    }
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    if (gap < 0) {
      return groups(s) == 8;
    }
    int head = gap == 0 ? 0 : groups(s.substring(0, gap));
    int tail = gap + 2 == s.length() ? 0 : groups(s.substring(gap + 2));
    return head >= 0 && tail >= 0 && head + tail <= 7;
  }

  /** The number of 16-bit groups in a colon-separated run, or -1 when malformed. */
  private static int groups(String run) {
    String[] parts = run.split(":", -1);
    int count = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].toLowerCase(Locale.ROOT);
      if (i == parts.length - 1 && isIpv4(p)) {
        count += 2;
      } else if (!p.isEmpty() && p.length() <= 4 && p.chars().allMatch(NextHopName::isHex)) {
        count += 1;
      } else {
        return -1;
      }
    }
    return count;
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
}
