package org.postern.rewrite;

import java.util.List;
import java.util.Locale;
import org.postern.config.MainConfig;

/**
 * The main.cf parameters trivial-rewrite reads, expanded once at start-up.
 *
 * @param configFile main.cf, for diagnostics that blame a parameter
 * @param recipientDelimiter the characters that start an address extension (may be empty)
 */
record RewriteSettings(
    String configFile,
    String myhostname,
    String myorigin,
    String mydomain,
    boolean appendAtMyorigin,
    boolean appendDotMydomain,
    boolean swapBangpath,
    boolean allowPercentHack,
    boolean resolveDequotedAddress,
    boolean resolveNullDomain,
    boolean resolveNumericDomain,
    boolean showUserUnknownTableName,
    boolean allowMinUser,
    boolean ownerRequestSpecial,
    String emptyAddressRecipient,
    String doubleBounceSender,
    String recipientDelimiter,
    String localTransport,
    String virtualTransport,
    String relayTransport,
    String defaultTransport,
    String relayhost,
    boolean transportMapsMatchParent,
    boolean relayDomainsMatchParent) {

  static RewriteSettings from(MainConfig c) {
    List<String> parentStyle =
        c.getList("parent_domain_matches_subdomains").stream()
            .map(s -> s.toLowerCase(Locale.ROOT))
            .toList();
    return new RewriteSettings(
        c.configDirectory().resolve("main.cf").toString(),
        c.get("myhostname").strip(),
        c.get("myorigin").strip(),
        c.get("mydomain").strip(),
        c.getBoolean("append_at_myorigin"),
        c.getBoolean("append_dot_mydomain"),
        c.getBoolean("swap_bangpath"),
        c.getBoolean("allow_percent_hack"),
        c.getBoolean("resolve_dequoted_address"),
        c.getBoolean("resolve_null_domain"),
        c.getBoolean("resolve_numeric_domain"),
        c.getBoolean("show_user_unknown_table_name"),
        c.getBoolean("allow_min_user"),
        c.getBoolean("owner_request_special"),
        c.get("empty_address_recipient").strip(),
        c.get("double_bounce_sender").strip(),
        c.get("recipient_delimiter").strip(),
        c.get("local_transport").strip(),
        c.get("virtual_transport").strip(),
        c.get("relay_transport").strip(),
        c.get("default_transport").strip(),
        c.get("relayhost").strip(),
        parentStyle.contains("transport_maps"),
        parentStyle.contains("relay_domains"));
  }
}
