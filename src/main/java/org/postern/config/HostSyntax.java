package org.postern.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Domain syntax as the resolver checks it: Postfix's {@code valid_hostname()}, {@code
 * valid_hostaddr()} and {@code valid_mailhost_literal()}. Names may hold UTF-8 (SMTPUTF8).
 *
 * <p>Failure: none; text that is not valid is answered {@code false} or empty, and address text
 * is parsed without DNS.
 */
public final class HostSyntax {
  private static final int MAX_NAME = 255;
  private static final int MAX_LABEL = 63;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final String IPV6_PREFIX = "IPv6:";

  private HostSyntax() {}

  /** A host name: labels of letters, digits, {@code -} and {@code _}, not all numeric. */
  public static boolean validHostname(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME) {
      return false;
    }
    boolean numeric = true;
    for (String label : name.split("\\.", -1)) {
      if (!validLabel(label)) {
        return false;
      }
      numeric &= label.chars().allMatch(Character::isDigit);
    }
    return !numeric;
  }

  private static boolean validLabel(String label) {
    if (label.isEmpty() || label.length() > MAX_LABEL) {
      return false;
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return false;
    }
    return label.chars().allMatch(c -> c > 0x7f || Character.isLetterOrDigit(c) || c == '-' || c == '_');
  }

  /** The address in {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}; empty for other text. */
  public static Optional<InetAddress> literalAddress(String domain) {
    if (!domain.startsWith("[") || !domain.endsWith("]") || domain.length() < 3) {
      return Optional.empty();
    }
    String inner = domain.substring(1, domain.length() - 1);
    if (inner.regionMatches(true, 0, IPV6_PREFIX, 0, IPV6_PREFIX.length())) {
      return ipv6(inner.substring(IPV6_PREFIX.length()));
    }
    return ipv4(inner);
  }

  /** A bare IPv4 or IPv6 address, as {@code resolve_numeric_domain} accepts it. */
  public static Optional<InetAddress> bareAddress(String text) {
    return text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
  }

  /** The domain-literal form of a bare address: {@code [192.0.2.1]}, {@code [IPv6:...]}. */
  public static String literal(String bareAddress) {
    return bareAddress.indexOf(':') >= 0 ? "[" + IPV6_PREFIX + bareAddress + "]" : "[" + bareAddress + "]";
  }

  private static Optional<InetAddress> ipv4(String text) {
    if (!IPV4.matcher(text).matches()) {
      return Optional.empty();
    }
    for (String octet : text.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return Optional.empty();
      }
    }
    return parseNumeric(text);
  }

  private static Optional<InetAddress> ipv6(String text) {
    if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
      return Optional.empty();
    }
    return parseNumeric(text);
  }

  /** Text already checked to be numeric: InetAddress parses it without asking DNS. */
  private static Optional<InetAddress> parseNumeric(String text) {
    try {
      return Optional.of(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
