package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TlsProtocolsTest {
  private static TlsProtocols parse(String value) throws TlsConfigException {
    return TlsProtocols.parse("smtpd_tls_protocols", value);
  }

  @Test
  void parse_postfixDefault_enablesTlsV1AndNewer() throws Exception {
    assertThat(parse(">=TLSv1").jsseNames())
        .containsExactly("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
  }

  @Test
  void parse_exclusionList_removesOnlyThose() throws Exception {
    assertThat(parse("!SSLv2, !SSLv3, !TLSv1").jsseNames())
        .containsExactly("TLSv1.3", "TLSv1.2", "TLSv1.1");
  }

  @Test
  void parse_inclusionList_enablesOnlyThose() throws Exception {
    assertThat(parse("TLSv1.2 TLSv1.3").jsseNames()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(parse("TLSv1.2,TLSv1.3,!TLSv1.3").jsseNames()).containsExactly("TLSv1.2");
  }

  @Test
  void parse_floorAndCeiling_bound() throws Exception {
    assertThat(parse(">=TLSv1.3").jsseNames()).containsExactly("TLSv1.3");
    assertThat(parse("<=TLSv1.2").jsseNames())
        .containsExactly("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3");
    assertThat(parse(">=TLSv1.1:<=TLSv1.2").jsseNames()).containsExactly("TLSv1.2", "TLSv1.1");
  }

  @Test
  void parse_hexVersionsAndNone_asPostfix() throws Exception {
    assertThat(parse(">=0x0303").jsseNames()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(parse("<=303").jsseNames()).contains("TLSv1.2").doesNotContain("TLSv1.3");
    assertThat(parse(">=None").jsseNames()).hasSize(5);
  }

  @Test
  void parse_namesAreCaseInsensitive() throws Exception {
    assertThat(parse(">=tlsv1.2, !TLSV1.3").jsseNames()).containsExactly("TLSv1.2");
  }

  @Test
  void parse_empty_enablesAll() throws Exception {
    assertThat(parse("").jsseNames()).hasSize(5);
  }

  @Test
  void parse_sslV2Only_enablesNothingJsseHas() throws Exception {
    TlsProtocols p = parse("SSLv2");

    assertThat(p.jsseNames()).isEmpty();
    assertThat(p.belowTls13()).isFalse();
  }

  @Test
  void parse_badTokens_nameParameter() {
    assertThatThrownBy(() -> parse("!SSLv2, TLSv1.4"))
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("smtpd_tls_protocols: invalid TLS protocol name: \"TLSv1.4\"");
    assertThatThrownBy(() -> parse(">=TLSv9")).hasMessageContaining("smtpd_tls_protocols")
        .hasMessageContaining("TLSv9");
    assertThatThrownBy(() -> parse(">=SSLv2")).hasMessageContaining("SSLv2");
    assertThatThrownBy(() -> parse("=>TLSv1.2")).hasMessageContaining("=>TLSv1.2");
  }

  @Test
  void belowTls13_onlyTls13_isFalse() throws Exception {
    assertThat(parse(">=TLSv1.3").belowTls13()).isFalse();
    assertThat(parse(">=TLSv1.2").belowTls13()).isTrue();
  }
}
