package org.postern.rewrite;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.config.ConfigException;

/**
 * The addresses named by {@code inet_interfaces} and {@code proxy_interfaces}, whose address
 * literals are local destinations: {@code all} is every address of this host, {@code
 * loopback-only} the loopback addresses, anything else a host name or address.
 *
 * <p>Failure: a name that does not resolve, or interfaces that cannot be listed, is a {@link
 * ConfigException} naming the parameter, as Postfix stops on them at start-up.
 */
final class InterfaceAddresses {
  private InterfaceAddresses() {}

  static Set<InetAddress> of(Path mainCf, String parameter, List<String> items)
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
