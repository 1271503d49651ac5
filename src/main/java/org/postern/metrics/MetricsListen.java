package org.postern.metrics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The value of {@code postern_metrics_listen}: empty (no endpoint, the default), {@code port}
 * (loopback, 127.0.0.1), {@code host:port} or {@code [ipv6-address]:port}, the forms of a
 * master.cf {@code inet} service field.
 *
 * <p>Failure: anything else, a port outside 1..65535 or a host that does not resolve is an
 * IllegalArgumentException whose message names the parameter and the value.
 */
record MetricsListen(InetSocketAddress address) {
  static final String PARAMETER = "postern_metrics_listen";

  /** The endpoint {@code value} asks for; empty when it is off. */
  static Optional<MetricsListen> parse(String value) {
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? "127.0.0.1" : v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":") || host.isEmpty()) {
      throw bad(value, "expected [host:]port, with an IPv6 address in brackets");
    }
    int port = port(value, v.substring(colon + 1));
    try {
      return Optional.of(new MetricsListen(new InetSocketAddress(InetAddress.getByName(host), port)));
    } catch (UnknownHostException e) {
      throw bad(value, "unknown host " + host);
    }
  }

  private static int port(String value, String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(value, "expected [host:]port with a numeric port");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw bad(value, "port out of range 1..65535");
    }
    return port;
  }

  private static IllegalArgumentException bad(String value, String why) {
    return new IllegalArgumentException(PARAMETER + ": bad value \"" + value + "\": " + why);
  }

  @Override
  public String toString() {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
