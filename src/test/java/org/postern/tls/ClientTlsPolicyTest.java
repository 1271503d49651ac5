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

  @Test
  void parse_pluginStsAttributes_asPostfixTestReadsThem() throws Exception {
    // The policy of Postfix 3.12's smtp_tls_policy_test.c.
    ClientTlsPolicy p = ClientTlsPolicy.parse("secure match=example:.example "
        + "servername=example policy_ttl=123 policy_type=sts policy_string=one "
        + "policy_string=two policy_domain=example "
        + "mx_host_pattern=example mx_host_pattern=*.example", "t");

    assertThat(p.match()).containsExactly("example", ".example");
    assertThat(p.attribute("servername")).contains("example");
    assertThat(p.external()).contains(new ExternalPolicy("sts", java.util.Optional.of("example"),
        List.of("one", "two"), List.of("example", "*.example"), java.util.Optional.empty()));
    assertThat(p.external().get().allowsMx("mx.example")).isTrue();
    assertThat(p.external().get().allowsMx("EXAMPLE")).isTrue();
    assertThat(p.external().get().allowsMx("a.mx.example")).isFalse();
    assertThat(p.external().get().allowsMx("example.org")).isFalse();
  }

  @Test
  void parse_policyFailure_keptInLowerCase() throws Exception {
    ClientTlsPolicy p = ClientTlsPolicy.parse("secure policy_type=sts policy_domain=example"
        + " policy_failure=STS-Policy-Fetch-Error", "t");

    assertThat(p.external().flatMap(ExternalPolicy::failure)).contains("sts-policy-fetch-error");
  }

  @Test
  void parse_bracedAttribute_keepsItsWhitespace() throws Exception {
    ClientTlsPolicy p = ClientTlsPolicy.parse("secure policy_type=sts "
        + "{ policy_string = mode:   enforce } { policy_string = version: STSv1 }", "t");

    assertThat(p.external().get().strings()).containsExactly("mode: enforce", "version: STSv1");
  }

  @Test
  void parse_invalidPluginAttributes_refusedAsPostfixRefusesThem() {
    assertThatThrownBy(() -> ClientTlsPolicy.parse(
        "secure policy_type=sts policy_type=sts", "t"))
        .hasMessage("t: attribute \"policy_type\" is specified multiple times");
    assertThatThrownBy(() -> ClientTlsPolicy.parse("secure policy_type=tlsa", "t"))
        .hasMessage("t: attribute \"policy_type\" has an unexpected value: \"tlsa\"");
    assertThatThrownBy(() -> ClientTlsPolicy.parse("secure mx_host_pattern=*.example", "t"))
        .hasMessage("t: built-in policy has unexpected attribute policy_ttl, policy_domain,"
            + " policy_string, mx_host_pattern or policy_failure");
    assertThatThrownBy(() -> ClientTlsPolicy.parse("secure policy_type=sts policy_ttl=x", "t"))
        .hasMessage("t: attribute \"policy_ttl\" has a malformed value: \"x\"");
    assertThatThrownBy(() -> ClientTlsPolicy.parse("secure {policy_string=x", "t"))
        .hasMessageStartingWith("t: malformed attribute/value pair");
  }
}
