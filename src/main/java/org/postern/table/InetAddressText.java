package org.postern.table;

import java.util.Optional;

/**
 * Converts IPv4 and IPv6 address text to bytes and back without touching DNS, as
 * {@code inet_pton()} and {@code inet_ntop()} do: four decimal octets without leading zeros, or
 * up to eight hexadecimal groups with at most one {@code ::} and an optional dotted IPv4 tail.
 */
final class InetAddressText {
  private InetAddressText() {}

  /** The 4 or 16 address bytes, or empty when {@code text} is not an address. */
  static Optional<byte[]> parse(String text) {
    return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
  }

  static Optional<byte[]> parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
          || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.empty();
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return Optional.empty();
      }
      out[i] = (byte) v;
    }
    return Optional.of(out);
  }

  private static Optional<byte[]> parseIpv6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return Optional.empty();
    }
    byte[] out = new byte[16];
    if (gap < 0) {
      return fill(text, out, 16, true) == 16 ? Optional.of(out) : Optional.empty();
    }
    byte[] head = new byte[16];
    byte[] tail = new byte[16];
    int h = gap == 0 ? 0 : fill(text.substring(0, gap), head, 14, false);
    String rest = text.substring(gap + 2);
    int t = rest.isEmpty() ? 0 : fill(rest, tail, 14, true);
    if (h < 0 || t < 0 || h + t > 14) {
      return Optional.empty();
    }
    System.arraycopy(head, 0, out, 0, h);
    System.arraycopy(tail, 0, out, 16 - t, t);
    return Optional.of(out);
  }

  /**
   * Parses colon-separated groups into {@code out}, at most {@code limit} bytes, a dotted IPv4
   * tail only when {@code ipv4Tail}; returns the byte count or -1.
   */
  private static int fill(String text, byte[] out, int limit, boolean ipv4Tail) {
    String[] groups = text.split(":", -1);
    int n = 0;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (ipv4Tail && i == groups.length - 1 && g.indexOf('.') >= 0) {
        Optional<byte[]> v4 = parseIpv4(g);
        if (v4.isEmpty() || n + 4 > limit) {
          return -1;
        }
        System.arraycopy(v4.get(), 0, out, n, 4);
        n += 4;
        continue;
      }
      if (g.isEmpty() || g.length() > 4 || n + 2 > limit
          || !g.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
        return -1;
      }
      int v = Integer.parseInt(g, 16);
      out[n++] = (byte) (v >> 8);
      out[n++] = (byte) v;
    }
    return n;
  }

  /** The conventional text of an address: dotted quad, or RFC 5952 compressed IPv6. */
  static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
          + (address[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    return s.toString();
  }
}
