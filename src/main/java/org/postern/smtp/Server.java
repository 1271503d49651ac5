package org.postern.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.postern.log.Relay;

/**
 * One server address to try: the host name (an MX exchange or the next hop), its address and
 * port, or an LMTP socket path. For DANE: {@code dnssec} when the address answer (and, for a
 * domain without MX records, the answer that said so) carried the AD bit; {@code mxSecure} when
 * the MX answer that named the host did, or no MX lookup was involved; {@code canonicalName} the
 * name the address records belong to when {@code hostname} is an alias (CNAME), for DANE's TLSA
 * base domain (RFC 7672 section 2.2.2).
 */
record Server(
    String hostname, Optional<InetAddress> address, int port, Optional<Path> socket,
    boolean dnssec, boolean mxSecure, Optional<String> canonicalName) {

  static Server inet(
      String hostname, InetAddress address, int port, boolean dnssec, boolean mxSecure) {
    return new Server(hostname, Optional.of(address), port, Optional.empty(), dnssec, mxSecure,
        Optional.empty());
  }

  static Server unix(String hostname, Path socket) {
    return new Server(hostname, Optional.empty(), 0, Optional.of(socket), false, true,
        Optional.empty());
  }

  /** This server, reached through the alias {@code hostname} of {@code canonical}. */
  Server withCanonicalName(Optional<String> canonical) {
    return new Server(hostname, address, port, socket, dnssec, mxSecure, canonical);
  }

  InetSocketAddress socketAddress() {
    return new InetSocketAddress(address.orElseThrow(), port);
  }

  /** {@code host[addr]:port} or {@code host[/path]}. */
  Relay relay() {
    return socket
        .map(p -> Relay.socket(hostname, p.toString()))
        .orElseGet(() -> Relay.host(hostname, address.orElseThrow().getHostAddress(), port));
  }

  /**
   * {@code host[addr]} (or {@code host[/path]}): how Postfix names the server in reply texts
   * ("host %s said", "lost connection with %s"); only "connect to" names the port too.
   */
  String namaddr() {
    return socket
        .map(p -> hostname + "[" + p + "]")
        .orElseGet(() -> hostname + "[" + address.orElseThrow().getHostAddress() + "]");
  }

  @Override
  public String toString() {
    return relay().text();
  }
}
