package org.postern.tls;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The policy attributes a TLS policy plugin (an MTA-STS resolver such as postfix-mta-sts-resolver
 * answering through {@code smtp_tls_policy_maps}) adds to its answer for TLS reporting and MX
 * host enforcement, as Postfix 3.12 reads them: {@code policy_type} ({@code sts} or {@code
 * no-policy-found}), {@code policy_domain}, any number of {@code policy_string} and {@code
 * mx_host_pattern}, {@code policy_ttl} and {@code policy_failure}. A {@code policy_failure}
 * (the plugin could not get a valid policy) fails the certificate check of every server at a
 * level that matches certificates, as Postfix 3.12 forces it to fail, and is what TLS reporting
 * counts for the session.
 *
 * <p>Failure: see {@link ClientTlsPolicy#parse}: a single-valued attribute given twice, a policy
 * type or failure RFC 8460 does not name, a malformed TTL, or any of these attributes without
 * {@code policy_type}, make the whole answer invalid.
 */
public record ExternalPolicy(
    String type, Optional<String> domain, List<String> strings, List<String> mxHostPatterns,
    Optional<String> failure) {

  /** The RFC 8460 policy types a plugin may give. */
  static final List<String> TYPES = List.of("sts", "no-policy-found");

  /** The RFC 8460 failure names a plugin may give as {@code policy_failure}. */
  static final List<String> FAILURES = List.of("sts-policy-fetch-error", "sts-policy-invalid",
      "sts-webpki-invalid", "validation-failure");

  /** The attribute names that belong to a plugin's policy. */
  static final List<String> NAMES = List.of("policy_type", "policy_domain", "policy_string",
      "mx_host_pattern", "policy_ttl", "policy_failure");

  public ExternalPolicy {
    strings = List.copyOf(strings);
    mxHostPatterns = List.copyOf(mxHostPatterns);
  }

  public boolean sts() {
    return type.equals("sts");
  }

  /**
   * Whether {@code host} matches one of the {@code mx_host_pattern}s: the name itself, or
   * {@code *.rest} for a name whose first label is followed by {@code rest} (case-insensitive).
   */
  public boolean allowsMx(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String pattern : mxHostPatterns) {
      String p = pattern.toLowerCase(Locale.ROOT);
      int dot = h.indexOf('.');
      if (h.equals(p) || p.startsWith("*.") && p.length() > 2 && dot > 0
          && h.substring(dot + 1).equals(p.substring(2))) {
        return true;
      }
    }
    return false;
  }
}
