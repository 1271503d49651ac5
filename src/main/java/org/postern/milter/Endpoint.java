package org.postern.milter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Where a milter listens: {@code inet:host:port} ({@code inet:[::1]:port} for IPv6), or {@code
 * unix:/path} and its synonym {@code local:/path}.
 *
 * <p>Failure: a name without {@code transport:endpoint} or with another transport is
 * IllegalArgumentException; a connection that fails or times out is IOException.
 */
record Endpoint(String transport, String address) {

  static Endpoint parse(String name) {
    int colon = name.indexOf(':');
    if (colon <= 0 || colon == name.length() - 1) {
      throw new IllegalArgumentException(
          "Milter service needs transport:endpoint instead of \"" + name + "\"");
    }
    String transport = name.substring(0, colon);
    if (!transport.equals("inet") && !transport.equals("unix") && !transport.equals("local")) {
      throw new IllegalArgumentException(
          "invalid transport name: " + transport + " in Milter service: " + name);
    }
    Endpoint e = new Endpoint(transport, name.substring(colon + 1));
    if (transport.equals("inet")) {
      e.inet();
    }
    return e;
  }

  private InetSocketAddress inet() {
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("milter inet endpoint needs host:port: " + address);
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("milter inet endpoint: bad port in " + address);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("milter inet endpoint: bad port in " + address);
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** Connects within {@code timeout}; the caller closes the channel. */
  java.net.Socket connectInet(Duration timeout) throws IOException {
    InetSocketAddress unresolved = inet();
    java.net.Socket socket = new java.net.Socket();
    try {
      socket.connect(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()),
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
      socket.setTcpNoDelay(true);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** A unix-domain socket channel; its connect does not block for long on a local socket. */
  SocketChannel connectUnix() throws IOException {
    SocketAddress path = UnixDomainSocketAddress.of(address);
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(path);
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  boolean inetTransport() {
    return transport.equals("inet");
  }
}
