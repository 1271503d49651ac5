package org.postern.smtp;

import java.util.Optional;
import org.postern.log.Relay;
import org.postern.log.RequireTlsCheckLine;
import org.postern.log.RequireTlsCheckLine.Check;
import org.postern.mtasts.ActivePolicy;
import org.postern.tls.ExternalPolicy;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tls.TlsaMatcher;

/**
 * The server certificate check a session went through, for the {@code requiretls:} line the
 * client logs before the status lines of a REQUIRETLS message ({@link RequireTlsCheckLine}): what
 * the certificate was checked against and what matched, or why none was checked.
 *
 * <p>Failure: a check that failed is described too ({@link #failed}); nothing here throws.
 */
record CertificateCheck(Check check, String detail) {
  /** Before or without a TLS handshake. */
  static final CertificateCheck NOT_CONNECTED = new CertificateCheck(Check.NONE, "no connection");
  static final CertificateCheck NO_TLS = new CertificateCheck(Check.NONE, "no TLS");

  /** A level that encrypts without checking the certificate ({@code may}, {@code encrypt}). */
  static CertificateCheck unchecked(TlsSecurityLevel level) {
    return new CertificateCheck(Check.NONE, "TLS level " + level + " checks no certificate");
  }

  /** {@code TLSA 3 1 1 matched depth 0}: the record's usage, selector and matching type. */
  static CertificateCheck dane(TlsaMatcher.Match m, boolean halfdane) {
    return new CertificateCheck(Check.DANE, "TLSA " + m.record().usage() + " "
        + m.record().selector() + " " + m.record().matchingType() + " matched depth " + m.depth()
        + (halfdane ? ", MX host not DNSSEC-validated" : ""));
  }

  /** {@code verify} or {@code secure}: a trusted chain with {@code name} among its names. */
  static CertificateCheck pkix(TlsSecurityLevel level, String name) {
    return new CertificateCheck(Check.PKIX, level + ", trusted chain, name " + name);
  }

  /** {@code sha256 public key fingerprint matched}. */
  static CertificateCheck fingerprint(String digest, String what) {
    return new CertificateCheck(Check.FINGERPRINT, digest + " " + what + " fingerprint matched");
  }

  /** The check the level asked for, which the certificate did not pass. */
  static CertificateCheck failed(TlsSecurityLevel level, boolean dane) {
    if (dane) {
      return new CertificateCheck(Check.DANE, "no TLSA record matched");
    }
    return level == TlsSecurityLevel.FINGERPRINT
        ? new CertificateCheck(Check.FINGERPRINT, "no fingerprint matched")
        : new CertificateCheck(Check.PKIX, level + ", chain not trusted or no name matched");
  }

  /**
   * A PKIX check that an MTA-STS {@code enforce} policy asked for, named as such: the policy of
   * Postern's own MTA-STS client, else a policy plugin's ({@code policy_type=sts}) answer from
   * {@code smtp_tls_policy_maps}. Any other check stays as it is.
   */
  CertificateCheck underMtaSts(Optional<ActivePolicy> policy, Optional<ExternalPolicy> plugin,
      String mxHost) {
    if (check != Check.PKIX) {
      return this;
    }
    if (policy.isPresent()) {
      return new CertificateCheck(Check.MTA_STS, "policy " + policy.get().describe()
          + ", mx " + String.join(" ", policy.get().policy().mx()) + " lists " + mxHost + ", "
          + detail);
    }
    return plugin.filter(ExternalPolicy::sts)
        .map(p -> new CertificateCheck(Check.MTA_STS, "policy plugin for "
            + p.domain().orElse("?") + (p.mxHostPatterns().isEmpty() ? ""
                : ", mx_host_pattern " + String.join(" ", p.mxHostPatterns())) + ", " + detail))
        .orElse(this);
  }

  /** The line for {@code recipient} of {@code queueId}. */
  RequireTlsCheckLine line(String queueId, String recipient, String relay) {
    return new RequireTlsCheckLine(queueId, recipient,
        new Relay(relay.isEmpty() ? "none" : relay), check, detail);
  }
}
