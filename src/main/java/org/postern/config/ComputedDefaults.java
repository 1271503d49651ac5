package org.postern.config;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The defaults Postfix computes from the host rather than from a constant: {@code myhostname}
 * (the system host name, with {@code .localdomain} appended when it has no dot), {@code mydomain}
 * (myhostname minus its first label), and {@code mynetworks} (this host's networks as
 * {@code mynetworks_style} describes them).
 *
 * <p>Failure: none; a host whose name or interfaces cannot be read gets {@code localhost} and
 * the loopback networks.
 */
final class ComputedDefaults {
  private static final String DEFAULT_DOMAIN = "localdomain";

  private ComputedDefaults() {}

  static String myhostname() {
    String name = systemHostName();
    return name.indexOf('.') < 0 ? name + "." + DEFAULT_DOMAIN : name;
  }

  static String mydomain(String myhostname) {
    int dot = myhostname.indexOf('.');
    if (dot < 0 || dot == myhostname.length() - 1) {
      return DEFAULT_DOMAIN;
    }
    return myhostname.substring(dot + 1);
  }

  /** {@code style} is {@code host}, {@code subnet} or {@code class}. */
  static String mynetworks(String style) {
    Set<String> v4 = new LinkedHashSet<>();
    Set<String> v6 = new LinkedHashSet<>();
    for (InterfaceAddress a : interfaceAddresses()) {
      InetAddress address = a.getAddress();
      int prefix = prefix(style.strip().toLowerCase(Locale.ROOT), address, a.getNetworkPrefixLength());
      InetAddress network = network(address, prefix);
      if (address instanceof Inet4Address) {
        v4.add(network.getHostAddress() + "/" + prefix);
      } else if (address instanceof Inet6Address) {
        v6.add("[" + compress(network.getAddress()) + "]/" + prefix);
      }
    }
    if (v4.isEmpty() && v6.isEmpty()) {
      return "127.0.0.0/8 [::1]/128";
    }
    List<String> all = new ArrayList<>(v4);
    all.addAll(v6);
    return String.join(" ", all);
  }

  private static int prefix(String style, InetAddress address, int interfacePrefix) {
    boolean v4 = address instanceof Inet4Address;
    if (address.isLoopbackAddress() && v4) {
      return 8;
    }
    return switch (style) {
      case "host" -> v4 ? 32 : 128;
      case "class" -> v4 ? classPrefix(address.getAddress()[0] & 0xff) : interfacePrefix;
      default -> interfacePrefix;
    };
  }

  private static int classPrefix(int firstOctet) {
    if (firstOctet < 128) {
      return 8;
    }
    return firstOctet < 192 ? 16 : 24;
  }

  private static InetAddress network(InetAddress address, int prefix) {
    byte[] b = address.getAddress();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      b[i] &= (byte) (0xff << (8 - keep));
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (IOException e) {
      return address;
    }
  }

  /** RFC 5952 text: lower case, longest run of zero groups as {@code ::}. */
  static String compress(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }

  private static List<InterfaceAddress> interfaceAddresses() {
    List<InterfaceAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (n.isUp()) {
          out.addAll(n.getInterfaceAddresses());
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    return out;
  }

  private static String systemHostName() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: ask the JDK below.
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
