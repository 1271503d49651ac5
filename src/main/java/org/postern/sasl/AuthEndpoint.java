package org.postern.sasl;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where Dovecot's auth service listens, from {@code smtpd_sasl_path}: {@code inet:host:port}
 * ({@code inet:[ipv6]:port}), {@code unix:/path} or a path; a relative path is under {@code
 * queue_directory} ({@code private/auth}, as Postfix's chrooted smtpd sees it).
 *
 * <p>Failure: {@link #parse} throws {@link IllegalArgumentException} for an empty value or a bad
 * {@code inet:} port.
 */
public record AuthEndpoint(SocketAddress address, String spec) {
  public static AuthEndpoint parse(String spec, Path queueDirectory) {
    String s = spec.strip();
    if (s.startsWith("inet:")) {
      String hostPort = s.substring(5);
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("bad inet: endpoint \"" + s + "\": need host:port");
      }
      String host = hostPort.substring(0, colon).replaceFirst("^\\[(.*)\\]$", "$1");
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad inet: endpoint \"" + s + "\": bad port");
      }
      if (port < 1 || port > 65535 || host.isEmpty()) {
        throw new IllegalArgumentException("bad inet: endpoint \"" + s + "\"");
      }
      return new AuthEndpoint(InetSocketAddress.createUnresolved(host, port), spec);
    }
    String path = s.startsWith("unix:") ? s.substring(5) : s;
    if (path.isEmpty()) {
      throw new IllegalArgumentException("empty auth socket path");
    }
    return new AuthEndpoint(UnixDomainSocketAddress.of(queueDirectory.resolve(path)), spec);
  }

  @Override
  public String toString() {
    return spec;
  }
}
