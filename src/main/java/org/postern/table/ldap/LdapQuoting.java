package org.postern.table.ldap;

import java.nio.charset.StandardCharsets;

/**
 * How a lookup key goes into an LDAP request without adding metacharacters: in {@code
 * query_filter} by RFC 4515 (filter values: {@code * ( ) \} and NUL as {@code \XX}), in {@code
 * search_base} by RFC 4514 (DN values: blanks, {@code " # + , ; < > \} as {@code \XX}, everywhere
 * rather than only where the RFC insists, as Postfix quotes them). Other bytes, UTF-8 included,
 * pass unchanged. Stateless; no failure.
 */
final class LdapQuoting {
  private static final String FILTER_SPECIALS = "*()\\\0";
  private static final String DN_SPECIALS = " \t\"#+,;<>\\";

  private LdapQuoting() {}

  /** {@code text} safe as (part of) an assertion value in a search filter. */
  static String filterValue(String text) {
    return escaped(text, FILTER_SPECIALS);
  }

  /** {@code text} safe as (part of) an attribute value in a DN. */
  static String dnValue(String text) {
    return escaped(text, DN_SPECIALS);
  }

  private static String escaped(String text, String specials) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (specials.indexOf(c) < 0) {
        out.append(c);
        continue;
      }
      for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
        out.append(String.format("\\%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
