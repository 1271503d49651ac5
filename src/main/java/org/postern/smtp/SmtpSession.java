package org.postern.smtp;

import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postern.log.TlsFeatureStatus.SecurityLevel;

/**
 * An open session with a server that met every requirement of its TLS level (and, for a
 * REQUIRETLS message, its REQUIRETLS action): ready for MAIL FROM, or for reuse from the
 * connection cache.
 *
 * @param esmtp the EHLO/LHLO keywords, upper case, with their parameters; empty after HELO
 * @param authenticated whether the client authenticated with SMTP AUTH on this session
 * @param certificateCheck the certificate check the session passed, for REQUIRETLS log lines
 */
record SmtpSession(
    SmtpConnection connection,
    Server server,
    Map<String, String> esmtp,
    SecurityLevel tlsLevel,
    boolean requireTlsAnnounced,
    boolean certificateMatched,
    boolean authenticated,
    Instant created,
    int uses,
    CertificateCheck certificateCheck) {

  boolean offers(String keyword) {
    return esmtp.containsKey(keyword.toUpperCase(Locale.ROOT));
  }

  /** The SIZE limit the server announced; empty when none or unlimited (0). */
  Optional<Long> sizeLimit() {
    String v = esmtp.get("SIZE");
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    try {
      long n = Long.parseLong(v.strip());
      return n > 0 ? Optional.of(n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  SmtpSession used() {
    return new SmtpSession(
        connection, server, esmtp, tlsLevel, requireTlsAnnounced, certificateMatched,
        authenticated, created, uses + 1, certificateCheck);
  }

  /** This session, its certificate check named as {@code check} (MTA-STS, known to the caller). */
  SmtpSession withCertificateCheck(CertificateCheck check) {
    return new SmtpSession(connection, server, esmtp, tlsLevel, requireTlsAnnounced,
        certificateMatched, authenticated, created, uses, check);
  }

  /** Sends QUIT and closes, ignoring what the server does: the mail is already decided. */
  void quit(java.time.Duration timeout) {
    try {
      connection.writeLine("QUIT");
      connection.flush();
      connection.read(timeout);
    } catch (IOException ignored) {
      // The server may close first; nothing depends on its QUIT reply.
    } finally {
      connection.close();
    }
  }
}
