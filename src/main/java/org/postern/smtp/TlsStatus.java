package org.postern.smtp;

import java.util.Optional;
import org.postern.log.TlsFeatureStatus;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.RequireTls;
import org.postern.log.TlsFeatureStatus.RequireTlsDetail;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.tls.TlsSecurityLevel;

/** Builds {@code tls=} statuses from the client's TLS level outcome and REQUIRETLS feature. */
final class TlsStatus {
  private TlsStatus() {}

  static TlsFeatureStatus of(SecurityLevel level, Optional<RequireTlsFeature> requireTls) {
    return requireTls
        .map(f -> TlsFeatureStatus.of(level, requireTls(f)))
        .orElseGet(() -> TlsFeatureStatus.of(level));
  }

  static SecurityLevel undecided(TlsSecurityLevel level) {
    return SecurityLevel.undecided(Level.of(level));
  }

  static SecurityLevel compliant(TlsSecurityLevel level) {
    return SecurityLevel.compliant(Level.of(level));
  }

  static SecurityLevel violated(TlsSecurityLevel level) {
    return SecurityLevel.violated(Level.of(level));
  }

  /** {@code may:none}: STARTTLS was not offered or failed and plaintext is allowed. */
  static SecurityLevel plaintext(TlsSecurityLevel level) {
    return level == TlsSecurityLevel.NONE
        ? SecurityLevel.compliant(Level.NONE)
        : SecurityLevel.downgraded(Level.of(level), Level.NONE);
  }

  static RequireTls requireTls(RequireTlsFeature f) {
    return switch (f) {
      case REQUIRETLS -> RequireTls.compliant();
      case NOCERTMATCH_VIOLATED -> RequireTls.violated(RequireTlsDetail.NOCERTMATCH);
      case NOCERTMATCH_PERMITTED -> RequireTls.permitted(RequireTlsDetail.NOCERTMATCH);
      case NOSTARTTLS_VIOLATED -> RequireTls.violated(RequireTlsDetail.NOSTARTTLS);
      case NOENCRYPTION_VIOLATED -> RequireTls.violated(RequireTlsDetail.NOENCRYPTION);
      case NONE_VIOLATED -> RequireTls.violated(RequireTlsDetail.NONE);
      case NONE_PERMITTED -> RequireTls.permitted(RequireTlsDetail.NONE);
      case UNDECIDED -> RequireTls.undecided();
    };
  }
}
