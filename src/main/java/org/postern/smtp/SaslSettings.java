package org.postern.smtp;

import java.util.List;
import org.postern.config.MainConfig;
import org.postern.sasl.SecurityOptions;

/**
 * The SASL parameters of the SMTP or LMTP client ({@code smtp_sasl_*} or {@code lmtp_sasl_*}),
 * read once at start-up.
 *
 * @param plaintext {@code smtp_sasl_security_options}: a session without TLS
 * @param tls {@code smtp_sasl_tls_security_options}: a TLS session whose certificate did not match
 * @param tlsVerified {@code smtp_sasl_tls_verified_security_options}: a TLS session whose
 *     certificate matched the level
 * @param mechanismFilter {@code smtp_sasl_mechanism_filter}; empty keeps every offered mechanism
 * @param senderDependent {@code smtp_sender_dependent_authentication}; never for LMTP, as in Postfix
 * @param dummyMailAuth {@code smtp_send_dummy_mail_auth}: {@code AUTH=<>} on MAIL FROM
 *
 * <p>Failure: with SASL on and no password table, or with an unknown security option, start-up
 * fails with {@link IllegalArgumentException} naming the parameter, as Postfix's smtp(8) exits.
 */
record SaslSettings(
    boolean enable,
    List<String> passwordMaps,
    String resultDelimiter,
    SecurityOptions plaintext,
    SecurityOptions tls,
    SecurityOptions tlsVerified,
    List<String> mechanismFilter,
    boolean softBounce,
    boolean senderDependent,
    boolean dummyMailAuth,
    String recipientDelimiter) {

  static SaslSettings of(MainConfig c, Protocol p) {
    boolean enable = c.getBoolean(p.parameter("sasl_auth_enable"));
    String maps = p.parameter("sasl_password_maps");
    if (enable && c.getList(maps).isEmpty()) {
      throw new IllegalArgumentException(
          "specify a password table via the `" + maps + "' configuration parameter");
    }
    return new SaslSettings(
        enable,
        c.getList(maps),
        c.get(p.parameter("sasl_password_result_delimiter")),
        options(c, p.parameter("sasl_security_options")),
        options(c, p.parameter("sasl_tls_security_options")),
        options(c, p.parameter("sasl_tls_verified_security_options")),
        c.getList(p.parameter("sasl_mechanism_filter")),
        c.getBoolean(p.parameter("sasl_auth_soft_bounce")),
        // Postfix asks for the sender's credentials in SMTP mode only.
        p == Protocol.SMTP && c.getBoolean(p.parameter("sender_dependent_authentication")),
        c.getBoolean(p.parameter("send_dummy_mail_auth")),
        c.get("recipient_delimiter"));
  }

  private static SecurityOptions options(MainConfig c, String name) {
    try {
      return SecurityOptions.parse(c.getList(name));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /** The options for a session: without TLS, with TLS, or with a matched certificate. */
  SecurityOptions optionsFor(boolean tlsActive, boolean certificateMatched) {
    if (!tlsActive) {
      return plaintext;
    }
    return certificateMatched ? tlsVerified : tls;
  }
}
