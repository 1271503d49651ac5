package org.postern.table.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postern.table.TableException;

/**
 * One entry of ldap_table(5)'s {@code server_host} list: {@code ldap://host:port/}, {@code
 * ldaps://host:port/}, or a bare {@code host} / {@code host:port} that means {@code ldap://}
 * with {@code server_port}. The list is separated by commas or spaces and tried in its order.
 *
 * <p>Failure: an {@code ldapi://} URL (a UNIX-domain socket the library cannot open), another
 * scheme, a malformed URL or port is a {@link TableException} when the table is opened.
 */
record LdapServer(boolean ldaps, String host, int port) {

  /** The servers of {@code serverHost}, bare names on {@code serverPort}. */
  static List<LdapServer> parse(String serverHost, int serverPort) throws TableException {
    List<LdapServer> servers = new ArrayList<>();
    for (String item : serverHost.trim().split("[,\\s]+")) {
      if (!item.isEmpty()) {
        servers.add(parseOne(item, serverPort));
      }
    }
    if (servers.isEmpty()) {
      throw new TableException("server_host: no LDAP server");
    }
    return List.copyOf(servers);
  }

  private static LdapServer parseOne(String item, int serverPort) throws TableException {
    String lower = item.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ldapi:")) {
      throw new TableException("server_host: " + item
          + ": ldapi:// (UNIX-domain socket) is not supported; use ldap://host:port");
    }
    if (lower.contains("://")) {
      try {
        LDAPURL url = new LDAPURL(item);
        return new LdapServer(url.getScheme().equals("ldaps"), url.getHost(), url.getPort());
      } catch (LDAPException e) {
        throw new TableException("server_host: bad LDAP URL \"" + item + "\": "
            + e.getDiagnosticMessage(), e);
      }
    }
    int colon = item.lastIndexOf(':');
    if (colon < 0 || item.endsWith("]")) {
      return new LdapServer(false, unbracketed(item), serverPort);
    }
    try {
      int port = Integer.parseInt(item.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new LdapServer(false, unbracketed(item.substring(0, colon)), port);
    } catch (NumberFormatException e) {
      throw new TableException("server_host: bad port in \"" + item + "\"", e);
    }
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The server as an LDAP URL, for log lines. */
  @Override
  public String toString() {
    return (ldaps ? "ldaps://" : "ldap://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
        + port;
  }
}
