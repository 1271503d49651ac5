package org.postern.smtp;

import java.util.List;
import org.postern.dns.TlsaRecord;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.TlsSecurityLevel;

/**
 * The TLS policy for one server, after DANE had its say: the configured policy (what the {@code
 * tls=} field names first), the level the session is held to, the level it is logged as having
 * reached ({@code dane:encrypt}, {@code dane:halfdane}), and for a DANE session the usable TLSA
 * records and the reference identifiers for DANE-TA(2) name checks.
 *
 * <p>A session with TLSA records never falls back to plaintext and is matched against the
 * records alone. It counts as a certificate match for REQUIRETLS only when it stayed {@code dane}
 * (or {@code dane-only}): {@code halfdane} found its MX host without DNSSEC.
 */
record ServerTls(
    ClientTlsPolicy policy, TlsSecurityLevel effective, Level reached, List<TlsaRecord> tlsa,
    List<String> referenceNames) {

  ServerTls {
    tlsa = List.copyOf(tlsa);
    referenceNames = List.copyOf(referenceNames);
  }

  /** A level DANE does not touch. */
  static ServerTls of(ClientTlsPolicy policy) {
    return new ServerTls(policy, policy.level(), Level.of(policy.level()), List.of(), List.of());
  }

  /** {@code dane} downgraded to {@code may} or {@code encrypt}, logged {@code dane:may}. */
  static ServerTls downgraded(ClientTlsPolicy policy, TlsSecurityLevel to) {
    return new ServerTls(policy, to, Level.of(to), List.of(), List.of());
  }

  boolean dane() {
    return !tlsa.isEmpty();
  }

  boolean usesTls() {
    return effective.usesTls();
  }

  boolean allowsPlaintext() {
    return !dane() && effective.allowsPlaintext();
  }

  /** Whether a session that passed the certificate check matched the certificate, for REQUIRETLS. */
  boolean certificateMatched() {
    return dane() ? reached != Level.HALFDANE : effective.matchesCertificate();
  }

  private Level requested() {
    return Level.of(policy.level());
  }

  SecurityLevel compliant() {
    return SecurityLevel.downgraded(requested(), reached);
  }

  /** STARTTLS was not offered or failed, and plaintext is allowed. */
  SecurityLevel plaintext() {
    return SecurityLevel.downgraded(requested(), Level.NONE);
  }

  SecurityLevel violated() {
    return SecurityLevel.violated(requested(), reached);
  }

  SecurityLevel undecided() {
    return SecurityLevel.undecided(requested());
  }
}
