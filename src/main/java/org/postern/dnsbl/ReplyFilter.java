package org.postern.dnsbl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The reply filter of a DNS list site ({@code zen.example=127.0.0.[2..11]}), Postfix's {@code
 * ip_match} syntax: four dot-separated octets, each a decimal number or a bracketed list of
 * numbers and {@code low..high} ranges separated by {@code ;}. A reply address matches when every
 * octet is in its set.
 *
 * <p>Failure: {@link #parse} throws IllegalArgumentException naming the bad text.
 */
public record ReplyFilter(String text, List<BitSet> octets) {
  public ReplyFilter {
    octets = octets.stream().map(b -> (BitSet) b.clone()).toList();
  }

  /** Parses {@code text}; throws IllegalArgumentException for anything but four octet patterns. */
  public static ReplyFilter parse(String text) {
    List<BitSet> octets = new ArrayList<>();
    int i = 0;
    while (true) {
      BitSet set = new BitSet(256);
      if (i < text.length() && text.charAt(i) == '[') {
        int close = text.indexOf(']', i);
        if (close < 0) {
          throw bad(text, "missing \"]\"");
        }
        for (String element : text.substring(i + 1, close).split(";", -1)) {
          int dots = element.indexOf("..");
          int low = octet(text, dots < 0 ? element : element.substring(0, dots));
          int high = dots < 0 ? low : octet(text, element.substring(dots + 2));
          if (high < low) {
            throw bad(text, "bad range \"" + element + "\"");
          }
          set.set(low, high + 1);
        }
        i = close + 1;
      } else {
        int end = i;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
          end++;
        }
        set.set(octet(text, text.substring(i, end)));
        i = end;
      }
      octets.add(set);
      if (i == text.length()) {
        break;
      }
      if (text.charAt(i) != '.' || octets.size() == 4) {
        throw bad(text, "unexpected text after octet " + octets.size());
      }
      i++;
    }
    if (octets.size() != 4) {
      throw bad(text, "need four octets");
    }
    return new ReplyFilter(text, octets);
  }

  private static int octet(String text, String digits) {
    if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
      throw bad(text, "bad octet value \"" + digits + "\"");
    }
    int value = Integer.parseInt(digits);
    if (value > 255) {
      throw bad(text, "octet value out of range: " + value);
    }
    return value;
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("bad DNSBL filter syntax: \"" + text + "\": " + why);
  }

  /** True when {@code reply} is an IPv4 address inside every octet's set. */
  public boolean matches(InetAddress reply) {
    if (!(reply instanceof Inet4Address)) {
      return false;
    }
    byte[] b = reply.getAddress();
    for (int k = 0; k < 4; k++) {
      if (!octets.get(k).get(b[k] & 0xff)) {
        return false;
      }
    }
    return true;
  }
}
