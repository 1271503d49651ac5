package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsSecurityLevelTest {

  @Test
  void parse_postfixSpellings_inAnyCase() {
    assertThat(TlsSecurityLevel.parse("dane-only")).contains(TlsSecurityLevel.DANE_ONLY);
    assertThat(TlsSecurityLevel.parse("MAY")).contains(TlsSecurityLevel.MAY);
    assertThat(TlsSecurityLevel.parse(" secure ")).contains(TlsSecurityLevel.SECURE);
    assertThat(TlsSecurityLevel.parse("halfdane")).isEmpty();
    assertThat(TlsSecurityLevel.parse("dane_only")).isEmpty();
  }

  @Test
  void matchesCertificate_onlyForVerifyingLevels() {
    assertThat(TlsSecurityLevel.values())
        .filteredOn(TlsSecurityLevel::matchesCertificate)
        .extracting(TlsSecurityLevel::postfixName)
        .containsExactly("dane", "dane-only", "fingerprint", "verify", "secure");
  }

  @Test
  void allowsPlaintext_onlyForOpportunisticLevels() {
    assertThat(TlsSecurityLevel.values())
        .filteredOn(TlsSecurityLevel::allowsPlaintext)
        .extracting(TlsSecurityLevel::postfixName)
        .containsExactly("none", "may", "dane");
  }

  @Test
  void usesTls_exceptNone() {
    assertThat(TlsSecurityLevel.NONE.usesTls()).isFalse();
    assertThat(TlsSecurityLevel.MAY.usesTls()).isTrue();
    assertThat(TlsSecurityLevel.ENCRYPT).hasToString("encrypt");
  }
}
