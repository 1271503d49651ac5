package org.postern.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses this mail system receives mail on, Postfix's {@code own_inet_addr()} and {@code
 * proxy_inet_addr()}: those named by {@code inet_interfaces} and {@code proxy_interfaces}. An
 * address literal of one of them ({@code user@[192.0.2.1]}) is a local destination, for the
 * resolver and for smtpd's relay and recipient checks alike. {@code all} is every address of this
 * host, {@code loopback-only} the loopback addresses, anything else a host name or address.
 *
 * <p>Thread safety: immutable.
 *
 * <p>Failure: a name that does not resolve, or interfaces that cannot be listed, is a {@link
 * ConfigException} naming the parameter, as Postfix stops on them at start-up.
 */
public final class InterfaceAddresses {
  private static final List<String> PARAMETERS = List.of("inet_interfaces", "proxy_interfaces");

  private final Set<InetAddress> addresses;

  private InterfaceAddresses(Collection<InetAddress> addresses) {
    this.addresses = Set.copyOf(addresses);
  }

  /** The addresses of {@code inet_interfaces} and {@code proxy_interfaces} in {@code config}. */
  public static InterfaceAddresses fromConfig(MainConfig config) throws ConfigException {
    Path mainCf = config.configDirectory().resolve("main.cf");
    Set<InetAddress> all = new LinkedHashSet<>();
    for (String parameter : PARAMETERS) {
      all.addAll(of(mainCf, parameter, config.getList(parameter)));
    }
    return new InterfaceAddresses(all);
  }

  /** Exactly {@code addresses}, for a caller that already knows them. */
  public static InterfaceAddresses of(Collection<InetAddress> addresses) {
    return new InterfaceAddresses(addresses);
  }

  /** {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]} naming one of these addresses. */
  public boolean ownsLiteral(String domain) {
    Optional<InetAddress> literal = HostSyntax.literalAddress(domain);
    return literal.isPresent() && addresses.contains(literal.get());
  }

  private static Set<InetAddress> of(Path mainCf, String parameter, List<String> items)
      throws ConfigException {
    Set<InetAddress> addresses = new LinkedHashSet<>();
    for (String item : items) {
      switch (item.toLowerCase(Locale.ROOT)) {
        case "all" -> addresses.addAll(allAddresses(mainCf, parameter));
        case "loopback-only" -> {
          addresses.add(InetAddress.getLoopbackAddress());
          addresses.addAll(HostSyntax.bareAddress("127.0.0.1").stream().toList());
          addresses.addAll(HostSyntax.bareAddress("::1").stream().toList());
        }
        default -> addresses.addAll(resolve(mainCf, parameter, item));
      }
    }
    return addresses;
  }

  private static Set<InetAddress> allAddresses(Path mainCf, String parameter)
      throws ConfigException {
    Set<InetAddress> all = new LinkedHashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        all.addAll(Collections.list(nif.getInetAddresses()));
      }
    } catch (SocketException e) {
      throw new ConfigException(mainCf, 0, parameter, "cannot list interfaces: " + e.getMessage());
    }
    return all;
  }

  private static List<InetAddress> resolve(Path mainCf, String parameter, String item)
      throws ConfigException {
    String host = item.startsWith("[") && item.endsWith("]") ? item.substring(1, item.length() - 1) : item;
    Optional<InetAddress> numeric = HostSyntax.bareAddress(host);
    if (numeric.isPresent()) {
      return List.of(numeric.get());
    }
    try {
      return List.of(InetAddress.getAllByName(host));
    } catch (UnknownHostException e) {
      throw new ConfigException(mainCf, 0, parameter, "host not found: " + host);
    }
  }
}
