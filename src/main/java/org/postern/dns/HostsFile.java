package org.postern.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * hosts(5): the static table the C library consults before the DNS ({@code hosts: files dns}), so
 * that a name or address it lists resolves as Postfix's {@code getnameinfo()} and {@code
 * getaddrinfo()} see it ({@code 127.0.0.1 localhost}). Each line is an address, its canonical name
 * and aliases; {@code #} starts a comment. Read once.
 *
 * <p>Failure: a file that cannot be read is an empty table (the C library then asks the DNS
 * alone); a line whose first word is not a numeric address is skipped.
 */
public final class HostsFile {
  private final Map<InetAddress, String> names = new LinkedHashMap<>();
  private final Map<String, List<InetAddress>> addresses = new LinkedHashMap<>();

  private HostsFile() {}

  /** The table in {@code file}. */
  public static HostsFile read(Path file) {
    HostsFile h = new HostsFile();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      return h;
    }
    for (String line : lines) {
      int hash = line.indexOf('#');
      String[] words = (hash < 0 ? line : line.substring(0, hash)).strip().split("\\s+");
      if (words.length < 2) {
        continue;
      }
      InetAddress address;
      try {
        address = org.xbill.DNS.Address.getByAddress(words[0]);
      } catch (java.net.UnknownHostException e) {
        continue;
      }
      h.names.putIfAbsent(address, words[1]);
      for (int i = 1; i < words.length; i++) {
        h.addresses.computeIfAbsent(words[i].toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(address);
      }
    }
    return h;
  }

  /** The canonical name of the first line that lists {@code address}. */
  public Optional<String> name(InetAddress address) {
    return Optional.ofNullable(names.get(address));
  }

  /** Every address listed for {@code name} (a canonical name or an alias), in file order. */
  public List<InetAddress> addresses(String name) {
    return List.copyOf(addresses.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
  }
}
