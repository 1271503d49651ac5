package org.postern.smtpd;

import java.time.Duration;
import org.postern.sasl.AuthEndpoint;
import org.postern.sasl.SecurityOptions;

/**
 * The SMTP AUTH parameters of smtpd: {@code smtpd_sasl_auth_enable}, {@code smtpd_sasl_type}
 * (only {@code dovecot} works here), {@code smtpd_sasl_path}, {@code smtpd_sasl_service}, {@code
 * smtpd_sasl_security_options} before TLS and {@code smtpd_sasl_tls_security_options} inside it,
 * {@code smtpd_tls_auth_only}, {@code smtpd_sasl_authenticated_header}, {@code
 * broken_sasl_auth_clients} and {@code smtpd_sasl_response_limit}. {@code smtpd_sasl_local_domain}
 * is accepted and unused, as Postfix's dovecot plug-in ignores the realm.
 */
record SaslSettings(
    boolean enabled,
    String type,
    AuthEndpoint endpoint,
    String service,
    SecurityOptions options,
    SecurityOptions tlsOptions,
    boolean tlsAuthOnly,
    boolean authenticatedHeader,
    boolean brokenClients,
    int responseLimit,
    Duration timeout) {
  static final String DOVECOT = "dovecot";

  /** Postfix's dovecot plug-in waits 10 seconds for each exchange with the auth server. */
  static final Duration AUTH_TIMEOUT = Duration.ofSeconds(10);

  /** AUTH is enabled and the type is one Postern implements. */
  boolean active() {
    return enabled && type.equals(DOVECOT);
  }

  SecurityOptions options(boolean tls) {
    return tls ? tlsOptions : options;
  }
}
