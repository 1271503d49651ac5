package org.postern.smtp;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A next hop as the client parses it: a domain for MX lookup ({@code example.com}, {@code
 * example.com:587}), a host without MX lookup ({@code [mx.example.com]:25}, {@code
 * [192.0.2.1]}), or for LMTP {@code inet:host:port} or {@code unix:/path}.
 *
 * @param host the host or domain, without brackets; for a socket, {@code $myhostname}
 * @param port the TCP port; 0 for a socket
 * @param mxLookup whether MX records are looked up for {@code host}
 * @param socket the UNIX-domain socket path of an LMTP server
 * @param nexthop the next hop as written
 */
record Destination(
    String host, int port, boolean mxLookup, Optional<Path> socket, String nexthop) {

  /** Parses {@code nexthop} for {@code protocol}; {@code defaultPort} is a number or service. */
  static Destination parse(
      String nexthop, Protocol protocol, String defaultPort, String myhostname) {
    String s = nexthop.strip();
    if (protocol == Protocol.LMTP) {
      if (s.regionMatches(true, 0, "unix:", 0, 5)) {
        return new Destination(myhostname, 0, false, Optional.of(Path.of(s.substring(5))), s);
      }
      String rest = s.regionMatches(true, 0, "inet:", 0, 5) ? s.substring(5) : s;
      Destination d = hostPort(rest, defaultPort, nexthop);
      return new Destination(d.host, d.port, false, Optional.empty(), nexthop);
    }
    return hostPort(s, defaultPort, nexthop);
  }

  private static Destination hostPort(String s, String defaultPort, String nexthop) {
    String hostPart = s;
    String portPart = defaultPort;
    boolean mx = true;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("malformed next hop: " + nexthop);
      }
      hostPart = s.substring(1, close);
      if (hostPart.regionMatches(true, 0, "ipv6:", 0, 5)) {
        hostPart = hostPart.substring(5);
      }
      mx = false;
      if (s.startsWith(":", close + 1)) {
        portPart = s.substring(close + 2);
      }
    } else if (NextHopName.isIpv6(s)) {
      mx = false;
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0) {
        hostPart = s.substring(0, colon);
        portPart = s.substring(colon + 1);
      }
    }
    if (NextHopName.isHostAddress(hostPart)) {
      mx = false;
    }
    return new Destination(hostPart, port(portPart, nexthop), mx, Optional.empty(), nexthop);
  }

  /** A port number or one of the service names a mail client needs. */
  static int port(String text, String nexthop) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "smtp" -> 25;
      case "lmtp" -> 24;
      case "submission" -> 587;
      case "submissions", "smtps" -> 465;
      default -> {
        try {
          int p = Integer.parseInt(text.strip());
          if (p <= 0 || p > 65535) {
            throw new NumberFormatException();
          }
          yield p;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "next hop " + nexthop + ": unknown service or port: " + text);
        }
      }
    };
  }
}
