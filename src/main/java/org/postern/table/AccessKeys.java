package org.postern.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The keys access(5) looks up, in Postfix's order. A key marked partial is only asked of
 * fixed-string tables; a pattern table ({@code regexp:}, {@code cidr:}, ...) sees only the full
 * name, address or mail address, as Postfix's {@code DICT_FLAG_FIXED} lookups do.
 *
 * <p>Parent domains are {@code example.com} when {@code parent_domain_matches_subdomains} lists
 * {@code smtpd_access_maps} (the default), {@code .example.com} otherwise.
 *
 * <p>Used by smtpd's {@code check_*_access} restrictions and by cleanup's {@code
 * requiretls_request_maps}.
 */
public final class AccessKeys {
  /** One lookup key. */
  public record Key(String text, boolean partial) {}

  private AccessKeys() {}

  /** A host name and its parent domains; a numerical address only as itself. */
  public static List<Key> domain(String name, boolean parentMatchesSubdomains) {
    List<Key> keys = new ArrayList<>();
    keys.add(new Key(name, false));
    if (isAddress(name)) {
      return keys;
    }
    for (int dot = name.indexOf('.', 1); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      String parent = parentMatchesSubdomains ? name.substring(dot + 1) : name.substring(dot);
      if (!parent.isEmpty() && !parent.equals(".")) {
        keys.add(new Key(parent, true));
      }
    }
    return keys;
  }

  /** A client address and its parent networks: {@code 1.2.3.4}, {@code 1.2.3}, {@code 1.2}, {@code 1}. */
  public static List<Key> address(String address) {
    char delimiter = address.indexOf(':') >= 0 ? ':' : '.';
    List<Key> keys = new ArrayList<>();
    String a = address;
    boolean partial = false;
    while (!a.isEmpty()) {
      keys.add(new Key(a, partial));
      partial = true;
      int cut = a.lastIndexOf(delimiter);
      if (cut < 0) {
        break;
      }
      a = a.substring(0, cut);
    }
    return keys;
  }

  /** check_client_access: the client name and its parents, then its address and its networks. */
  public static List<Key> client(String name, String address, boolean parentMatchesSubdomains) {
    List<Key> keys = new ArrayList<>(domain(name, parentMatchesSubdomains));
    keys.addAll(address(address));
    return keys;
  }

  /**
   * check_sender_access and check_recipient_access: {@code user+ext@domain}, {@code user@domain},
   * {@code domain} and its parents, {@code user+ext@}, {@code user@}. An address without a domain
   * is first qualified with {@code myorigin}.
   */
  public static List<Key> mail(String address, String myorigin, String delimiter, boolean parentMatchesSubdomains) {
    String full = address.indexOf('@') < 0 ? address + "@" + myorigin : address;
    int at = full.lastIndexOf('@');
    String local = full.substring(0, at);
    String domain = full.substring(at + 1).toLowerCase(Locale.ROOT);
    String bare = stripExtension(local, delimiter);
    List<Key> keys = new ArrayList<>();
    keys.add(new Key(full, false));
    if (!bare.equals(local)) {
      keys.add(new Key(bare + "@" + domain, true));
    }
    for (Key k : domain(domain, parentMatchesSubdomains)) {
      keys.add(new Key(k.text(), true));
    }
    keys.add(new Key(local + "@", true));
    if (!bare.equals(local)) {
      keys.add(new Key(bare + "@", true));
    }
    return keys;
  }

  /** {@code user+ext} without its extension, for each delimiter character Postfix allows. */
  public static String stripExtension(String local, String delimiter) {
    if (delimiter.isEmpty() || local.isEmpty()) {
      return local;
    }
    for (int i = 1; i < local.length(); i++) {
      if (delimiter.indexOf(local.charAt(i)) >= 0) {
        return local.substring(0, i);
      }
    }
    return local;
  }

  public static boolean isAddress(String name) {
    String n = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    return n.matches("[0-9.]+") || n.indexOf(':') >= 0 && n.matches("[0-9A-Fa-f:.]+");
  }
}
