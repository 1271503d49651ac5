package org.postern.smtpd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code smtpd_upstream_proxy_protocol} and {@code smtpd_upstream_proxy_timeout}: where smtpd
 * learns who its client is. Empty (the default), from the socket; {@code haproxy}, from the
 * PROXY protocol header a load balancer sends before the client's first byte ({@link
 * HaproxyHeader}), so that mynetworks, access tables, anvil limits, policy attributes, the
 * Received: header and the log all see the client haproxy accepted, not haproxy.
 *
 * <p>Failure: a header that is bad, late or missing is logged as Postfix logs it ({@code warning:
 * haproxy read: ...}), and the session goes on as {@code unknown[unknown]} only to be answered
 * {@code 421 4.3.0 <myhostname> Server local error} and closed: without the header nobody knows
 * what rights the client has.
 *
 * @param protocol the upstream protocol
 * @param timeout how long the whole header may take
 * @param families the address families {@code inet_protocols} enables, which a header must use
 */
public record UpstreamProxy(Protocol protocol, Duration timeout, Families families) {

  /** The values of {@code smtpd_upstream_proxy_protocol}. */
  public enum Protocol { NONE, HAPROXY }

  /** Which address families {@code inet_protocols} enables. */
  public record Families(boolean ipv4, boolean ipv6) {
    static Families of(List<String> inetProtocols) {
      boolean all = inetProtocols.contains("all");
      return new Families(all || inetProtocols.contains("ipv4"), all || inetProtocols.contains("ipv6"));
    }
  }

  /** Not behind a proxy: the socket's endpoints. */
  public static final UpstreamProxy NONE =
      new UpstreamProxy(Protocol.NONE, Duration.ofSeconds(5), new Families(true, true));

  /**
   * Who the session talks to: the client and the address it reached. {@code known} is false after
   * a bad proxy header, when the client is {@code unknown[unknown]} and gets only a 421.
   */
  record Endpoints(InetSocketAddress client, InetSocketAddress server, boolean known) {}

  /**
   * The upstream proxy the parameters name; throws IllegalArgumentException for a protocol
   * Postfix does not know, with its words.
   */
  public static UpstreamProxy of(String protocol, Duration timeout, List<String> inetProtocols) {
    Protocol p = switch (protocol.strip().toLowerCase(Locale.ROOT)) {
      case "" -> Protocol.NONE;
      case "haproxy" -> Protocol.HAPROXY;
      default -> throw new IllegalArgumentException(
          "unsupported smtpd_upstream_proxy_protocol value: " + protocol.strip());
    };
    return new UpstreamProxy(p, timeout, Families.of(inetProtocols));
  }

  /** The endpoints of {@code socket}'s session; a bad header is logged to {@code log}. */
  Endpoints endpoints(Socket socket, Consumer<String> log) throws IOException {
    Endpoints direct = new Endpoints((InetSocketAddress) socket.getRemoteSocketAddress(),
        (InetSocketAddress) socket.getLocalSocketAddress(), true);
    if (protocol == Protocol.NONE) {
      return direct;
    }
    try {
      return switch (HaproxyHeader.read(socket, timeout, families)) {
        case HaproxyHeader.Proxied p -> new Endpoints(p.client(), p.server(), true);
        case HaproxyHeader.Local l -> direct;
      };
    } catch (HaproxyHeader.Invalid e) {
      log.accept("warning: " + e.logLine());
      return new Endpoints(direct.client(), direct.server(), false);
    }
  }
}
