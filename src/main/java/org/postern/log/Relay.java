package org.postern.log;

import java.util.Objects;

/**
 * The {@code relay=} field: {@code none} when no host was reached, a transport name such as {@code
 * local} or {@code virtual} for delivery on this machine, or {@code host[address]:port} for a
 * network peer (an LMTP socket path takes the place of the address, without a port).
 */
public record Relay(String text) {
  public Relay {
    Objects.requireNonNull(text);
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty relay");
    }
  }

  public static Relay none() {
    return new Relay("none");
  }

  /** A delivery agent on this machine: {@code local}, {@code virtual}, a pipe transport name. */
  public static Relay transport(String name) {
    return new Relay(name);
  }

  /** {@code host[address]:port}, as the SMTP and LMTP clients log a peer. */
  public static Relay host(String hostName, String address, int port) {
    return new Relay(hostName + "[" + address + "]:" + port);
  }

  /** {@code host[path]}, an LMTP server on a UNIX-domain socket. */
  public static Relay socket(String hostName, String path) {
    return new Relay(hostName + "[" + path + "]");
  }

  @Override
  public String toString() {
    return text;
  }
}
