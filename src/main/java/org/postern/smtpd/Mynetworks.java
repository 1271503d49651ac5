package org.postern.smtpd;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mynetworks} list: network/prefix blocks, IPv4 as {@code 192.0.2.0/24} and IPv6 as
 * {@code [2001:db8::]/32} (brackets optional), a bare address meaning one host. An IPv4-mapped
 * IPv6 client address is matched as the IPv4 address it carries, as Postfix does.
 *
 * <p>Failure: an unparsable item or a prefix too long for its family throws {@link
 * IllegalArgumentException} naming the item. Host names and {@code type:table} items are not
 * supported yet and are refused the same way.
 */
public final class Mynetworks {
  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Block> blocks;

  private Mynetworks(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  public static Mynetworks parse(List<String> items) {
    List<Block> blocks = new ArrayList<>();
    for (String item : items) {
      blocks.add(block(item));
    }
    return new Mynetworks(blocks);
  }

  private static Block block(String item) {
    int slash = item.lastIndexOf('/');
    String host = slash < 0 ? item : item.substring(0, slash);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.matches("[0-9A-Fa-f:.]+") || !(host.contains(".") || host.contains(":"))) {
      throw new IllegalArgumentException("unsupported network \"" + item + "\"");
    }
    byte[] address;
    try {
      address = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad network address \"" + item + "\"", e);
    }
    if (host.contains(":") && address.length == 4) {
      // The JDK folds ::ffff:a.b.c.d to IPv4; keep the prefix meaningful for that form.
      int prefix = slash < 0 ? 32 : Integer.parseInt(item.substring(slash + 1)) - 96;
      return checked(item, address, prefix);
    }
    int prefix = slash < 0 ? address.length * 8 : parsePrefix(item, slash);
    return checked(item, address, prefix);
  }

  private static int parsePrefix(String item, int slash) {
    try {
      return Integer.parseInt(item.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad network prefix \"" + item + "\"", e);
    }
  }

  private static Block checked(String item, byte[] address, int prefix) {
    if (prefix < 0 || prefix > address.length * 8) {
      throw new IllegalArgumentException("bad network prefix \"" + item + "\"");
    }
    return new Block(address, prefix);
  }

  public boolean contains(InetAddress client) {
    byte[] address = client.getAddress();
    if (address.length == 16 && isMappedIpv4(address)) {
      address = java.util.Arrays.copyOfRange(address, 12, 16);
    }
    for (Block b : blocks) {
      if (b.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMappedIpv4(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }
}
