package org.postern.smtp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The local addresses the client binds its socket to, Postfix's {@code smtp_bind_address} (IPv4
 * connections) and {@code smtp_bind_address6} (IPv6), or the {@code lmtp_} twins. Empty means the
 * kernel picks the source address. With {@code enforce} ({@code smtp_bind_address_enforce},
 * Postfix 3.7) a bind that fails defers the delivery; without it the client logs a warning and
 * connects from an address of the kernel's choice, as Postfix does.
 *
 * <p>Failure: a value that is not a numerical address of the right family is a configuration
 * error found at start-up ({@link IllegalArgumentException} naming the parameter).
 */
record BindAddresses(
    Optional<InetAddress> ipv4, Optional<InetAddress> ipv6, boolean enforce,
    String ipv4Parameter, String ipv6Parameter) {

  static final BindAddresses NONE =
      new BindAddresses(Optional.empty(), Optional.empty(), false, "", "");

  static BindAddresses parse(
      String ipv4Parameter, String ipv4Value, String ipv6Parameter, String ipv6Value,
      boolean enforce) {
    return new BindAddresses(address(ipv4Parameter, ipv4Value, false),
        address(ipv6Parameter, ipv6Value, true), enforce, ipv4Parameter, ipv6Parameter);
  }

  /** The local address for a connection to {@code remote}, by its address family. */
  Optional<InetAddress> forRemote(InetAddress remote) {
    return remote instanceof Inet6Address ? ipv6 : ipv4;
  }

  /** The parameter that set the local address for a connection to {@code remote}. */
  String parameterFor(InetAddress remote) {
    return remote instanceof Inet6Address ? ipv6Parameter : ipv4Parameter;
  }

  /** Address information may be enclosed in [], as postconf(5) allows. */
  private static Optional<InetAddress> address(String parameter, String value, boolean v6) {
    String v = value.strip();
    if (v.startsWith("[") && v.endsWith("]")) {
      v = v.substring(1, v.length() - 1);
    }
    if (v.isEmpty()) {
      return Optional.empty();
    }
    boolean ok = v6 ? NextHopName.isIpv6(v) : NextHopName.isIpv4(v);
    if (!ok) {
      throw new IllegalArgumentException("bad " + parameter + " parameter: " + value
          + ": not a numerical " + (v6 ? "IPv6" : "IPv4") + " address");
    }
    try {
      return Optional.of(InetAddress.getByName(v));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad " + parameter + " parameter: " + value, e);
    }
  }
}
