package org.postern.tls;

/**
 * What smtpd learned about the certificate a client presented in the TLS handshake, in the form
 * Postfix's TLS library keeps it: the subject's common name, the issuer's common name (its
 * organization when it has no CN), whether the chain verified against {@code smtpd_tls_CAfile} or
 * {@code smtpd_tls_CApath}, and the {@code smtpd_tls_fingerprint_digest} fingerprints of the
 * certificate and of its public key ({@code AB:CD:...}), which {@code check_ccert_access} and
 * {@code relay_clientcerts} look up.
 */
public record ClientCertificate(String subjectCn, String issuerCn, boolean trusted,
    String fingerprint, String pubkeyFingerprint) {}
