package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientTlsPolicyTest {
  @Test
  void parse_secureWithMatch_splitsOnColons() throws Exception {
    ClientTlsPolicy p = ClientTlsPolicy.parse("secure match=nexthop:dot-nexthop ciphers=high", "t");

    assertThat(p.level()).isEqualTo(TlsSecurityLevel.SECURE);
    assertThat(p.match()).containsExactly("nexthop", "dot-nexthop");
    assertThat(p.attribute("ciphers")).contains("high");
  }

  @Test
  void parse_fingerprint_splitsOnBars() throws Exception {
    ClientTlsPolicy p = ClientTlsPolicy.parse("fingerprint match=AB:CD|EF:01", "t");

    assertThat(p.match()).containsExactly("AB:CD", "EF:01");
  }

  @Test
  void parse_badLevelOrAttribute_namesSource() {
    assertThatThrownBy(() -> ClientTlsPolicy.parse("sometimes", "inline:{...}: example.com"))
        .isInstanceOf(TlsConfigException.class).hasMessageContaining("inline:{...}: example.com");
    assertThatThrownBy(() -> ClientTlsPolicy.parse("verify oops", "t"))
        .hasMessageContaining("oops");
  }

  @Test
  void cappedAtMay_lowersStrictLevelsKeepsNone() throws Exception {
    assertThat(ClientTlsPolicy.parse("secure", "t").cappedAtMay().level())
        .isEqualTo(TlsSecurityLevel.MAY);
    assertThat(ClientTlsPolicy.of(TlsSecurityLevel.NONE).cappedAtMay().level())
        .isEqualTo(TlsSecurityLevel.NONE);
    assertThat(ClientTlsPolicy.of(TlsSecurityLevel.MAY).match()).isEqualTo(List.of());
  }
}
