package org.postern.rewrite;

/**
 * The local rewriting context of trivial-rewrite ({@code rewrite_tree}): puts one address in
 * {@code user@domain} form. Also used by the resolver loop on what is left of an address once a
 * local domain has been stripped.
 *
 * <p>Addresses are in internal (unquoted) form; the domain is what follows the last {@code @}.
 * A local part that would need quoting in RFC 5322 form is one token for Postfix, so {@code !}
 * and {@code %} inside it are not routing operators here.
 *
 * <p>Failure: none; addresses this cannot make sense of are left alone, for the resolver to
 * call them bad syntax.
 */
final class CanonicalRewrite {
  private static final String SPECIALS = "()<>@,;:\\\"[]";

  private final RewriteSettings settings;

  CanonicalRewrite(RewriteSettings settings) {
    this.settings = settings;
  }

  /** The address in canonical form, as cleanup would have queued it. */
  String canonical(String address) {
    return rewrite(address, !needsQuoting(localPart(address)));
  }

  /**
   * Rewrites {@code address}; {@code operatorsVisible} says whether {@code !} and {@code %} in a
   * domain-less address count as routing operators.
   */
  String rewrite(String address, boolean operatorsVisible) {
    if (address.isEmpty() || address.equals("@")) {
      return "";
    }
    String a = stripSourceRoute(address);
    if (a.lastIndexOf('@') < 0) {
      a = qualify(a, operatorsVisible);
    }
    return stripTrailingDot(appendDotMydomain(a));
  }

  /** {@code @hosta,@hostb:user@domain} becomes {@code user@domain}. */
  private static String stripSourceRoute(String address) {
    int colon = address.indexOf(':');
    if (address.startsWith("@") && colon > 0 && colon < address.length() - 1) {
      return address.substring(colon + 1);
    }
    return address;
  }

  private String qualify(String local, boolean operatorsVisible) {
    int bang = local.indexOf('!');
    int percent = local.lastIndexOf('%');
    if (operatorsVisible && settings.swapBangpath() && bang >= 0) {
      return local.substring(bang + 1) + "@" + local.substring(0, bang);
    }
    if (operatorsVisible && settings.allowPercentHack() && percent >= 0) {
      return local.substring(0, percent) + "@" + local.substring(percent + 1);
    }
    if (settings.appendAtMyorigin() && !settings.myorigin().isEmpty()) {
      return local + "@" + settings.myorigin();
    }
    return local;
  }

  /** {@code user@host} becomes {@code user@host.$mydomain}; literals and dotted names stay. */
  private String appendDotMydomain(String address) {
    int at = address.lastIndexOf('@');
    if (at < 0 || !settings.appendDotMydomain() || settings.mydomain().isEmpty()) {
      return address;
    }
    String domain = address.substring(at + 1);
    if (domain.isEmpty() || domain.startsWith("[") || domain.indexOf('.') >= 0) {
      return address;
    }
    return address + "." + settings.mydomain();
  }

  /** One trailing dot goes, but not from {@code ..} or {@code @.}: those stay visibly bad. */
  static String stripTrailingDot(String address) {
    int at = address.lastIndexOf('@');
    int end = address.length();
    if (at >= 0 && end - at > 2 && address.endsWith(".") && address.charAt(end - 2) != '.') {
      return address.substring(0, end - 1);
    }
    return address;
  }

  /** Everything before the last {@code @}; the whole address when there is none. */
  static String localPart(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? address : address.substring(0, at);
  }

  /** Whether RFC 5322 needs quotes around {@code local} (then it is one token for Postfix). */
  static boolean needsQuoting(String local) {
    if (local.isEmpty() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return true;
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (SPECIALS.indexOf(c) >= 0 || c <= ' ' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }
}
