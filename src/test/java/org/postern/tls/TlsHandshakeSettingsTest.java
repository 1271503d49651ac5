package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.tls.TlsParameters.Setting;

class TlsHandshakeSettingsTest {
  private static final CipherLists LISTS = new CipherLists(
      new Setting("tls_high_cipherlist", CipherStringTest.HIGH),
      new Setting("tls_medium_cipherlist", CipherStringTest.MEDIUM),
      new Setting("tls_null_cipherlist", CipherStringTest.NULL));

  private static TlsHandshakeSettings smtp(String protocols, String mandatoryProtocols,
      String ciphers, String mandatoryCiphers, String exclude, String mandatoryExclude) {
    return new TlsHandshakeSettings(new Setting("smtp_tls_protocols", protocols),
        new Setting("smtp_tls_mandatory_protocols", mandatoryProtocols),
        new Setting("smtp_tls_ciphers", ciphers),
        new Setting("smtp_tls_mandatory_ciphers", mandatoryCiphers),
        new Setting("smtp_tls_exclude_ciphers", exclude),
        new Setting("smtp_tls_mandatory_exclude_ciphers", mandatoryExclude), LISTS);
  }

  private static TlsHandshakeSettings defaults() {
    return smtp(">=TLSv1", ">=TLSv1", "medium", "medium", "", "");
  }

  @Test
  void forClient_may_usesOpportunisticSettings() throws Exception {
    TlsParameters p = smtp("<=TLSv1.2", ">=TLSv1.3", "medium", "medium", "", "")
        .forClient(TlsSecurityLevel.MAY, ClientTlsPolicy.of(TlsSecurityLevel.MAY));

    assertThat(p.protocols()).containsExactly("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3");
  }

  @Test
  void forClient_encryptAndAbove_useMandatorySettings() throws Exception {
    TlsHandshakeSettings s = smtp("<=TLSv1.2", ">=TLSv1.3", "medium", "medium", "", "");

    for (TlsSecurityLevel level : List.of(TlsSecurityLevel.ENCRYPT, TlsSecurityLevel.DANE,
        TlsSecurityLevel.FINGERPRINT, TlsSecurityLevel.VERIFY, TlsSecurityLevel.SECURE)) {
      assertThat(s.forClient(level, ClientTlsPolicy.of(level)).protocols()).as(level.toString())
          .containsExactly("TLSv1.3");
    }
  }

  @Test
  void forClient_mandatory_addsBothExclusionLists() throws Exception {
    TlsHandshakeSettings s = smtp(">=TLSv1", ">=TLSv1", "medium", "medium", "AES256", "CBC");

    TlsParameters may = s.forClient(TlsSecurityLevel.MAY, ClientTlsPolicy.of(TlsSecurityLevel.MAY));
    TlsParameters encrypt =
        s.forClient(TlsSecurityLevel.ENCRYPT, ClientTlsPolicy.of(TlsSecurityLevel.ENCRYPT));

    assertThat(legacy(may)).isNotEmpty().noneMatch(n -> n.contains("AES_256"))
        .anyMatch(n -> n.contains("CBC"));
    assertThat(legacy(encrypt)).isNotEmpty()
        .noneMatch(n -> n.contains("AES_256") || n.contains("CBC"));
  }

  @Test
  void forClient_policyAttributes_replaceMainCf() throws Exception {
    ClientTlsPolicy policy = new ClientTlsPolicy(TlsSecurityLevel.ENCRYPT, List.of(),
        Map.of("protocols", "TLSv1.2", "ciphers", "high", "exclude", "CHACHA20"));

    TlsParameters p = defaults().forClient(TlsSecurityLevel.ENCRYPT, policy);

    assertThat(p.protocols()).containsExactly("TLSv1.2");
    assertThat(legacy(p)).isNotEmpty().noneMatch(n -> n.contains("CHACHA20"));
  }

  @Test
  void forClient_badPolicyAttribute_namesAttribute() {
    ClientTlsPolicy policy = new ClientTlsPolicy(TlsSecurityLevel.MAY, List.of(),
        Map.of("protocols", "TLSv2"));

    assertThatThrownBy(() -> defaults().forClient(TlsSecurityLevel.MAY, policy))
        .hasMessageContaining("protocols: invalid TLS protocol name: \"TLSv2\"");
  }

  @Test
  void forServer_enforce_usesMandatory() throws Exception {
    TlsHandshakeSettings s = smtp(">=TLSv1.2", ">=TLSv1.3", "medium", "medium", "", "");

    assertThat(s.forServer(true).protocols()).containsExactly("TLSv1.3");
    assertThat(s.forServer(false).protocols()).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void of_tls13Suites_alwaysEnabled() throws Exception {
    TlsParameters p = smtp(">=TLSv1", ">=TLSv1", "high", "high", "AESGCM, CHACHA20", "")
        .forServer(false);

    assertThat(p.cipherSuites()).contains("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
  }

  @Test
  void validate_protocolsJsseCannotUse_namesParameter() {
    assertThatThrownBy(() -> smtp("TLSv1", ">=TLSv1", "medium", "medium", "", "").validate())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("smtp_tls_protocols = TLSv1: no TLS protocol version")
        .hasMessageContaining("TLSv1.3, TLSv1.2");
    assertThatThrownBy(() -> smtp(">=TLSv1", "SSLv2", "medium", "medium", "", "").validate())
        .hasMessageStartingWith("smtp_tls_mandatory_protocols = SSLv2");
  }

  @Test
  void validate_gradeLeavingNoSuite_namesParameters() {
    assertThatThrownBy(() -> smtp(">=TLSv1", ">=TLSv1", "null", "medium", "", "").validate())
        .hasMessageStartingWith("smtp_tls_ciphers = null (tls_null_cipherlist)");
    assertThatThrownBy(() -> smtp(">=TLSv1", ">=TLSv1", "medium", "medium", "AES CHACHA20", "")
        .validate()).hasMessageContaining("smtp_tls_exclude_ciphers = AES CHACHA20")
        .hasMessageContaining("no cipher suite for TLSv1.2 or older");
  }

  @Test
  void validate_onlyTls13_gradeDoesNotMatter() throws Exception {
    smtp(">=TLSv1.3", ">=TLSv1.3", "null", "null", "", "").validate();
  }

  @Test
  void validate_badGradeOrExclusion_namesParameter() {
    assertThatThrownBy(() -> smtp(">=TLSv1", ">=TLSv1", "medium", "strong", "", "").validate())
        .hasMessage("smtp_tls_mandatory_ciphers: invalid cipher grade: \"strong\"");
    assertThatCode(() -> smtp(">=TLSv1", ">=TLSv1", "LOW", "export", "", "").validate())
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> smtp(">=TLSv1", ">=TLSv1", "medium", "medium", "", "aNULL, XYZ")
        .validate()).hasMessageStartingWith(
            "smtp_tls_mandatory_exclude_ciphers: unknown cipher name or alias: \"XYZ\"");
  }

  private static List<String> legacy(TlsParameters p) {
    return p.cipherSuites().stream().filter(n -> n.contains("_WITH_")).toList();
  }
}
