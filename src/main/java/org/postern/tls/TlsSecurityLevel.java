package org.postern.tls;

import java.util.Locale;
import java.util.Optional;
import org.postern.util.Spellings;

/**
 * A Postfix TLS security level ({@code smtp_tls_security_level}, a {@code smtp_tls_policy_maps}
 * result). REQUIRETLS reasons about levels by two properties, so they are kept here rather than
 * re-derived from names by each caller.
 */
public enum TlsSecurityLevel {
  /** TLS is not used: plaintext only. */
  NONE("none", false, true),
  /** Opportunistic TLS: no certificate check, plaintext when STARTTLS is missing or fails. */
  MAY("may", false, true),
  /** Mandatory encryption without certificate checks. */
  ENCRYPT("encrypt", false, false),
  /**
   * Opportunistic DANE: certificates are matched against TLSA records, but a destination without
   * DNSSEC or usable TLSA records degrades to {@code encrypt} or {@code may}, so plaintext remains
   * possible. Whether a session "stayed dane" is known only after connecting.
   */
  DANE("dane", true, true),
  /** Mandatory DANE: no usable TLSA records means no delivery. */
  DANE_ONLY("dane-only", true, false),
  /** Certificate or public-key fingerprints from configuration. */
  FINGERPRINT("fingerprint", true, false),
  /** A trusted certificate whose name matches, MX names taken from DNS. */
  VERIFY("verify", true, false),
  /** A trusted certificate whose name matches names from configuration or MTA-STS. */
  SECURE("secure", true, false);

  private final String postfixName;
  private final boolean matchesCertificate;
  private final boolean allowsPlaintext;

  TlsSecurityLevel(String postfixName, boolean matchesCertificate, boolean allowsPlaintext) {
    this.postfixName = postfixName;
    this.matchesCertificate = matchesCertificate;
    this.allowsPlaintext = allowsPlaintext;
  }

  /** The spelling used in main.cf, policy tables and {@code tls=} logging. */
  public String postfixName() {
    return postfixName;
  }

  /** True when the level checks the server certificate against configured or DNS names. */
  public boolean matchesCertificate() {
    return matchesCertificate;
  }

  /** True when a session at this level may carry mail without encryption. */
  public boolean allowsPlaintext() {
    return allowsPlaintext;
  }

  /** True unless the level turns TLS off ({@code none}). */
  public boolean usesTls() {
    return this != NONE;
  }

  /** The level named {@code name} (case-insensitive), or empty when there is none. */
  public static Optional<TlsSecurityLevel> parse(String name) {
    return Spellings.find(values(), l -> l.postfixName, name.strip().toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return postfixName;
  }
}
