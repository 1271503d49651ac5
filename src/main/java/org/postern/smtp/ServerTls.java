package org.postern.smtp;

import java.util.List;
import org.postern.dns.TlsaRecord;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.TlsSecurityLevel;

/**
 * The TLS policy for one server, after DANE had its say: the configured policy, the level the
 * session is held to, the level the {@code tls=} field names first ({@code logged}), and for a DANE
 * session the usable TLSA records and the reference identifiers for DANE-TA(2) name checks.
 *
 * <p>As in Postfix 3.12, the logged level is the one DANE settled on before connecting, not the
 * configured one: {@code dane} without TLSA records (or without DNSSEC) is logged {@code may}, with
 * unusable records {@code encrypt}, for an MX host found without DNSSEC {@code halfdane}.
 *
 * <p>A session with TLSA records never falls back to plaintext and is matched against the
 * records alone. It counts as a certificate match for REQUIRETLS only when it stayed {@code dane}
 * (or {@code dane-only}): {@code halfdane} found its MX host without DNSSEC.
 */
record ServerTls(
    ClientTlsPolicy policy, TlsSecurityLevel effective, Level logged, List<TlsaRecord> tlsa,
    List<String> referenceNames) {

  ServerTls {
    tlsa = List.copyOf(tlsa);
    referenceNames = List.copyOf(referenceNames);
  }

  /** A level DANE does not touch. */
  static ServerTls of(ClientTlsPolicy policy) {
    return new ServerTls(policy, policy.level(), Level.of(policy.level()), List.of(), List.of());
  }

  /** {@code dane} downgraded to {@code may} or {@code encrypt}, and logged as that level. */
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
    return dane() ? logged != Level.HALFDANE : effective.matchesCertificate();
  }

  SecurityLevel compliant() {
    return SecurityLevel.compliant(logged);
  }

  /** STARTTLS was not offered or failed, and plaintext is allowed: {@code may:none}. */
  SecurityLevel plaintext() {
    return logged == Level.NONE ? compliant() : SecurityLevel.downgraded(logged, Level.NONE);
  }

  SecurityLevel violated() {
    return SecurityLevel.violated(logged);
  }

  SecurityLevel undecided() {
    return SecurityLevel.undecided(logged);
  }
}
