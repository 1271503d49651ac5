package org.postern.milter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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

  /**
   * Connects within {@code timeout} and leaves the channel in non-blocking mode, so that every
   * later read and write can be bounded by a selector; the caller closes the channel.
   */
  SocketChannel connect(Duration timeout) throws IOException {
    if (!inetTransport()) {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(address));
        channel.configureBlocking(false);
        return channel;
      } catch (IOException e) {
        channel.close();
        throw e;
      }
    }
    InetSocketAddress unresolved = inet();
    SocketChannel channel = SocketChannel.open();
    try (Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (!channel.connect(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()))) {
        channel.register(selector, SelectionKey.OP_CONNECT);
        if (selector.select(Math.max(1, timeout.toMillis())) == 0) {
          throw new SocketTimeoutException("connect timed out");
        }
        channel.finishConnect();
      }
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
