package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.config.MainConfig;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.TlsSecurityLevel;

class SmtpSettingsTest {
  private static final Map<String, String> MAIN_CF = Map.of(
      "smtp_tls_protocols", "<=TLSv1.2", "lmtp_tls_protocols", ">=TLSv1.3",
      "smtp_tls_fingerprint_cert_match", "AB:CD, EF01", "lmtp_tls_fingerprint_cert_match", "99",
      "smtp_log_tls_feature_status", "no");

  private static SmtpSettings settings(Protocol p) {
    return SmtpSettings.of(MainConfig.of(Path.of("/etc/postern"), MAIN_CF), p);
  }

  @Test
  void of_readsTheProtocolsOwnTlsParameters() throws Exception {
    ClientTlsPolicy may = ClientTlsPolicy.of(TlsSecurityLevel.MAY);

    assertThat(settings(Protocol.SMTP).tlsHandshake().forClient(TlsSecurityLevel.MAY, may)
        .protocols()).containsExactly("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3");
    assertThat(settings(Protocol.LMTP).tlsHandshake().forClient(TlsSecurityLevel.MAY, may)
        .protocols()).containsExactly("TLSv1.3");
  }

  @Test
  void of_fingerprintsAndFeatureStatusLogging() {
    assertThat(settings(Protocol.SMTP).fingerprintCertMatch()).containsExactly("AB:CD", "EF01");
    assertThat(settings(Protocol.LMTP).fingerprintCertMatch()).containsExactly("99");
    assertThat(settings(Protocol.SMTP).logTlsFeatureStatus()).isFalse();
    assertThat(settings(Protocol.LMTP).logTlsFeatureStatus()).isTrue();
  }
}
