package org.postern.smtp;

import java.util.Locale;
import java.util.Optional;
import org.postern.util.Spellings;

/**
 * What the client demands of a next hop when a message asked for REQUIRETLS: the action words of
 * {@code smtp_requiretls_policy} and {@code lmtp_requiretls_policy}, strictest first.
 */
public enum RequireTlsAction {
  /** STARTTLS, a certificate match and a server announcing REQUIRETLS; else no delivery. */
  ENFORCE("enforce"),
  /** STARTTLS required; REQUIRETLS sent when announced; no certificate match needed. */
  OPPORTUNISTIC_STARTTLS("opportunistic+starttls"),
  /** STARTTLS and REQUIRETLS used when the server offers them; plaintext allowed. */
  OPPORTUNISTIC("opportunistic"),
  /** Deliver as if the sender had not asked for REQUIRETLS. */
  DISABLE("disable");

  private final String postfixName;

  RequireTlsAction(String postfixName) {
    this.postfixName = postfixName;
  }

  /** The spelling used in main.cf and policy tables. */
  public String postfixName() {
    return postfixName;
  }

  /** The action named {@code word} (case-insensitive), or empty for any other word. */
  public static Optional<RequireTlsAction> parse(String word) {
    return Spellings.find(values(), a -> a.postfixName, word.toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return postfixName;
  }
}
