package org.postern.dns;

import java.util.List;
import java.util.Locale;

/**
 * Which address families {@code inet_protocols} enables: {@code all}, {@code ipv4}, {@code ipv6}
 * or both named in a list.
 */
public record InetProtocols(boolean ipv4, boolean ipv6) {
  public static final InetProtocols ALL = new InetProtocols(true, true);

  public InetProtocols {
    if (!ipv4 && !ipv6) {
      throw new IllegalArgumentException("inet_protocols: no address family enabled");
    }
  }

  /** Parses the words of {@code inet_protocols}. */
  public static InetProtocols parse(List<String> words) {
    boolean v4 = false;
    boolean v6 = false;
    for (String w : words) {
      switch (w.toLowerCase(Locale.ROOT)) {
        case "all" -> {
          v4 = true;
          v6 = true;
        }
        case "ipv4" -> v4 = true;
        case "ipv6" -> v6 = true;
        default -> throw new IllegalArgumentException("inet_protocols: unknown protocol: " + w);
      }
    }
    return new InetProtocols(v4, v6);
  }
}
