package org.postern.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.postern.log.Relay;

/**
 * One server address to try: the host name (an MX exchange or the next hop), its address and
 * port, or an LMTP socket path; {@code dnssec} when every DNS answer that led here carried the AD
 * bit (kept for DANE).
 */
record Server(
    String hostname, Optional<InetAddress> address, int port, Optional<Path> socket,
    boolean dnssec) {

  static Server inet(String hostname, InetAddress address, int port, boolean dnssec) {
    return new Server(hostname, Optional.of(address), port, Optional.empty(), dnssec);
  }

  static Server unix(String hostname, Path socket) {
    return new Server(hostname, Optional.empty(), 0, Optional.of(socket), false);
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

  @Override
  public String toString() {
    return relay().text();
  }
}
