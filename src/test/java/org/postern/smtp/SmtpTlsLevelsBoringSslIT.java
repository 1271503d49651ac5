package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postern.tls.TlsCryptoProvider;

/** Every test of {@link SmtpTlsLevelsIT} again with the BoringSSL engine (postern_tls_provider). */
class SmtpTlsLevelsBoringSslIT extends SmtpTlsLevelsIT {
  @BeforeAll
  static void boringSsl() {
    assertThat(TlsCryptoProvider.BORINGSSL.install()).isEmpty();
  }

  @AfterAll
  static void jdk() {
    TlsCryptoProvider.JDK.install();
  }
}
