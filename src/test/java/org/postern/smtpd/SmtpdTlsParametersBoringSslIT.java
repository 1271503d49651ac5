package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postern.tls.TlsCryptoProvider;

/** Every test of {@link SmtpdTlsParametersIT} again with the BoringSSL engine (postern_tls_provider). */
class SmtpdTlsParametersBoringSslIT extends SmtpdTlsParametersIT {
  @BeforeAll
  static void boringSsl() {
    assertThat(TlsCryptoProvider.BORINGSSL.install()).isEmpty();
  }

  @AfterAll
  static void jdk() {
    TlsCryptoProvider.JDK.install();
  }
}
