package org.postern.master;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;

/**
 * Where an {@code inet} master.cf service listens, by Postfix's rules: the service field is
 * {@code [host:]port}; the port is a number or a service name; without a host the service
 * listens on every address of {@code inet_interfaces} ({@code all}: the wildcard address).
 *
 * <p>Failure: an unknown service name or an unresolvable host is an {@link UnknownHostException}
 * naming the master.cf entry.
 */
final class ListenAddress {
  /** The well-known ports of the services a mail system listens on (/etc/services names). */
  private static final Map<String, Integer> PORTS =
      Map.of("smtp", 25, "submission", 587, "submissions", 465, "smtps", 465, "lmtp", 24);

  private ListenAddress() {}

  static List<InetSocketAddress> of(MasterService service, MainConfig config)
      throws UnknownHostException {
    String field = service.service();
    int colon = field.lastIndexOf(':');
    String host = colon < 0 ? null : field.substring(0, colon).replaceAll("^\\[|\\]$", "");
    int port = port(colon < 0 ? field : field.substring(colon + 1), service);
    List<InetSocketAddress> out = new ArrayList<>();
    if (host != null && !host.isEmpty()) {
      out.add(new InetSocketAddress(InetAddress.getByName(host), port));
      return out;
    }
    for (String iface : config.getList("inet_interfaces")) {
      if (iface.equalsIgnoreCase("all")) {
        return List.of(new InetSocketAddress(port));
      }
      String name = iface.equalsIgnoreCase("loopback-only") ? "127.0.0.1" : iface;
      out.add(new InetSocketAddress(InetAddress.getByName(name.replaceAll("^\\[|\\]$", "")), port));
    }
    return out;
  }

  private static int port(String text, MasterService service) throws UnknownHostException {
    if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
      return Integer.parseInt(text);
    }
    Integer port = PORTS.get(text);
    if (port == null) {
      throw new UnknownHostException(
          service.file() + ", line " + service.line() + ": unknown service port: " + text);
    }
    return port;
  }
}
