package org.postern.smtpd;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where the before-queue content filter listens, in {@code smtpd_proxy_filter} syntax: {@code
 * host:port} or {@code inet:host:port} (a bracketed {@code [host]} is taken literally), or {@code
 * unix:/path}. The port may be a number only; Postern does not consult services(5).
 */
public record ProxyEndpoint(SocketAddress address, String text) {

  static ProxyEndpoint parse(String text) {
    if (text.startsWith("unix:")) {
      String path = text.substring("unix:".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException("missing socket path in \"" + text + "\"");
      }
      return new ProxyEndpoint(UnixDomainSocketAddress.of(Path.of(path)), text);
    }
    String inet = text.startsWith("inet:") ? text.substring("inet:".length()) : text;
    int colon = inet.lastIndexOf(':');
    if (colon <= 0 || !inet.substring(colon + 1).matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("need host:port, inet:host:port or unix:/path, not \"" + text + "\"");
    }
    String host = inet.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(inet.substring(colon + 1));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("bad port in \"" + text + "\"");
    }
    return new ProxyEndpoint(InetSocketAddress.createUnresolved(host, port), text);
  }

  @Override
  public String toString() {
    return text;
  }
}
