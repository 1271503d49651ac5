package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;

class SmtpdSettingsTest {
  /** As a Postern installation's main.cf starts: at the current compatibility level. */
  private static SmtpdSettings settings(Map<String, String> values) throws ConfigException {
    Map<String, String> all = new HashMap<>(values);
    all.putIfAbsent("compatibility_level", "3.11");
    return TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), all));
  }

  @Test
  void fromConfig_emptyValues_takePostfixDefaults() throws Exception {
    SmtpdSettings s = settings(Map.of("myhostname", "mx.example.com"));
    assertThat(s.banner()).isEqualTo("mx.example.com ESMTP Postern");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.recipientLimit()).isEqualTo(1000);
    assertThat(s.messageSizeLimit()).isEqualTo(10240000L);
    assertThat(s.softErrorLimit()).isEqualTo(10);
    assertThat(s.hardErrorLimit()).isEqualTo(20);
    assertThat(s.lineLengthLimit()).isEqualTo(2048);
    assertThat(s.smtputf8Enable()).isTrue();
    assertThat(s.requiretlsEnable()).isTrue();
    assertThat(s.tlsLevel()).isEqualTo(SmtpdSettings.TlsLevel.NONE);
    assertThat(s.forbidBareNewline()).isEqualTo(SmtpdSettings.BareNewline.NORMALIZE);
    Destinations d = s.access().destinations;
    assertThat(d.authorized(d.resolve("u@localhost.example.com"))).isTrue();
    assertThat(d.authorized(d.resolve("u@example.com"))).isFalse();
    assertThat(s.access().delayReject).isTrue();
    assertThat(s.access().codes().accessMapReject()).isEqualTo(554);
    assertThat(s.clientLimits().connectionCountLimit()).isEqualTo(50);
    assertThat(s.clientLimits().connectionRateLimit()).isZero();
    assertThat(s.clientLimits().rateTimeUnit()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void fromConfig_compatibilityLevelZero_refusesRestrictionsThatCannotBlockRelay() {
    assertThatThrownBy(() -> settings(Map.of("compatibility_level", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("smtpd_relay_restrictions")
        .hasMessageContaining("reject_unauth_destination");
  }

  @Test
  void fromConfig_unknownRestriction_namesParameter() {
    assertThatThrownBy(() -> settings(Map.of("smtpd_client_restrictions", "permit_everyone")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("smtpd_client_restrictions")
        .hasMessageContaining("unknown smtpd restriction: \"permit_everyone\"");
  }

  @Test
  void fromConfig_eventLimitExceptions_defaultToMynetworks() throws Exception {
    SmtpdSettings s = settings(Map.of("mynetworks", "192.0.2.0/24"));
    assertThat(s.clientLimits().exceptions().contains(java.net.InetAddress.getByName("192.0.2.7"))).isTrue();
    assertThat(s.clientLimits().exceptions().contains(java.net.InetAddress.getByName("127.0.0.1"))).isFalse();
  }

  @Test
  void fromConfig_timeUnitsAndKeywords_areParsed() throws Exception {
    SmtpdSettings s =
        settings(Map.of("smtpd_timeout", "2m", "smtpd_discard_ehlo_keywords", "8bitmime, Chunking"));
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.discardedKeywords()).containsExactlyInAnyOrder(EhloKeyword.EIGHTBITMIME, EhloKeyword.CHUNKING);
  }

  @Test
  void fromConfig_badValue_namesFileAndParameter() {
    assertThatThrownBy(() -> settings(Map.of("smtpd_tls_security_level", "dane")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/etc/postern/main.cf: parameter smtpd_tls_security_level: Invalid TLS level \"dane\"");
    assertThatThrownBy(() -> settings(Map.of("smtpd_timeout", "soon")))
        .hasMessageContaining("parameter smtpd_timeout: bad time value");
  }

  @Test
  void fromConfig_tlsProtocolsAndCiphers_byLevel() throws Exception {
    Map<String, String> tls = Map.of("smtpd_tls_protocols", ">=TLSv1.2",
        "smtpd_tls_mandatory_protocols", ">=TLSv1.3");

    assertThat(settings(Map.of()).tlsParameters()).isEmpty();
    assertThat(settings(with(tls, "smtpd_tls_security_level", "may")).tlsParameters()
        .orElseThrow().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(settings(with(tls, "smtpd_tls_security_level", "encrypt")).tlsParameters()
        .orElseThrow().protocols()).containsExactly("TLSv1.3");
    assertThat(settings(with(tls, "smtpd_tls_wrappermode", "yes")).tlsParameters()
        .orElseThrow().protocols()).containsExactly("TLSv1.3");
  }

  @Test
  void fromConfig_badTlsCiphers_namesParameterWhenTlsIsOn() throws Exception {
    Map<String, String> bad = Map.of("smtpd_tls_ciphers", "strong");

    assertThat(settings(bad).tlsParameters()).isEmpty();
    assertThatThrownBy(() -> settings(with(bad, "smtpd_tls_security_level", "may")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/etc/postern/main.cf: smtpd_tls_ciphers: invalid cipher grade: \"strong\"");
  }

  private static Map<String, String> with(Map<String, String> base, String name, String value) {
    Map<String, String> all = new HashMap<>(base);
    all.put(name, value);
    return all;
  }
}
