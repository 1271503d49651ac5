package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.tls.ClientCertificate;

class ClientCertAccessTest {
  private static final String CERT_PRINT = "AA:BB:01";
  private static final String KEY_PRINT = "CC:DD:02";
  private final List<String> log = new ArrayList<>();

  private SmtpdCheck check(Map<String, String> params) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("compatibility_level", "3.11");
    all.put("myhostname", "mx.example.com");
    all.put("mydestination", "example.com");
    all.put("local_recipient_maps", "");
    all.put("smtpd_tls_ask_ccert", "yes");
    all.putAll(params);
    SmtpdSettings settings = TestSmtpdSettings.from(MainConfig.of(Path.of("/etc/postern"), all));
    CheckState state = new CheckState("c.example", "192.0.2.1", false, log::add);
    state.helo = "h.example";
    state.protocol = "ESMTP";
    state.where = "RCPT";
    state.sender = "a@b.example";
    return new SmtpdCheck(settings.access(), state);
  }

  private static void tls(SmtpdCheck c, boolean trusted) {
    c.state.tls = Optional.of(new Envelope.Tls("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, true,
        Optional.of(new ClientCertificate("client.test", "Test CA", trusted, CERT_PRINT, KEY_PRINT))));
  }

  private static Optional<String> rcpt(SmtpdCheck c, String address) {
    return c.rcpt(MailAddress.parse("<" + address + ">")).map(Reply::toString);
  }

  @Test
  void permitTlsClientcerts_listedKeyOrCertFingerprint_relays() throws Exception {
    for (String print : List.of(KEY_PRINT, CERT_PRINT.toLowerCase())) {
      SmtpdCheck c = check(Map.of("relay_clientcerts", "inline:{" + print + "=client}",
          "smtpd_relay_restrictions", "permit_tls_clientcerts, reject_unauth_destination"));
      tls(c, false);
      assertThat(rcpt(c, "x@other.example")).isEmpty();
    }
  }

  @Test
  void permitTlsClientcerts_unlistedOrNoTls_relayDenied() throws Exception {
    Map<String, String> p = Map.of("relay_clientcerts", "inline:{11:22=other}",
        "smtpd_relay_restrictions", "permit_tls_clientcerts, reject_unauth_destination");
    SmtpdCheck c = check(p);
    tls(c, true);
    assertThat(rcpt(c, "x@other.example")).hasValue("554 5.7.1 <x@other.example>: Relay access denied");
    assertThat(rcpt(check(p), "x@other.example")).hasValue("554 5.7.1 <x@other.example>: Relay access denied");
  }

  @Test
  void permitTlsAllClientcerts_onlyVerifiedRelays() throws Exception {
    Map<String, String> p = Map.of(
        "smtpd_relay_restrictions", "permit_tls_all_clientcerts, reject_unauth_destination");
    SmtpdCheck trusted = check(p);
    tls(trusted, true);
    assertThat(rcpt(trusted, "x@other.example")).isEmpty();
    SmtpdCheck untrusted = check(p);
    tls(untrusted, false);
    assertThat(rcpt(untrusted, "x@other.example")).hasValue("554 5.7.1 <x@other.example>: Relay access denied");
  }

  @Test
  void checkCcertAccess_rejectNamesTheCommonName() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_client_restrictions",
        "check_ccert_access inline:{" + KEY_PRINT + "=REJECT}"));
    tls(c, true);
    assertThat(rcpt(c, "x@example.com"))
        .hasValue("554 5.7.1 <client.test>: Client certificate rejected: Access denied");
  }

  @Test
  void checkCcertAccess_certFingerprintFirst() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_client_restrictions",
        "check_ccert_access inline:{" + CERT_PRINT + "=OK," + KEY_PRINT + "=REJECT}, reject"));
    tls(c, false);
    assertThat(rcpt(c, "x@example.com")).isEmpty();
  }

  @Test
  void checkCcertAccess_searchOrder_onlyTheNamedKeysInThatOrder() throws Exception {
    String table = "inline:{" + CERT_PRINT + "=REJECT," + KEY_PRINT + "=OK}";
    SmtpdCheck keyOnly = check(Map.of("smtpd_client_restrictions",
        "check_ccert_access { " + table + ", { search_order = pubkey_fingerprint } }, reject"));
    tls(keyOnly, false);
    assertThat(rcpt(keyOnly, "x@example.com")).isEmpty();
    SmtpdCheck both = check(Map.of("smtpd_client_restrictions",
        "check_ccert_access { " + table + ", { search_order = pubkey_fingerprint cert_fingerprint } }"));
    tls(both, false);
    assertThat(rcpt(both, "x@example.com")).isEmpty();
    SmtpdCheck plain = check(Map.of("smtpd_client_restrictions", "check_ccert_access { " + table + " }"));
    tls(plain, false);
    assertThat(rcpt(plain, "x@example.com"))
        .hasValue("554 5.7.1 <client.test>: Client certificate rejected: Access denied");
  }

  @Test
  void checkCcertAccess_badSearchOrder_refusedAtStart() {
    assertThatThrownBy(() -> check(Map.of("smtpd_client_restrictions",
        "check_ccert_access { inline:{a=OK}, { search_order = issuer_cn } }")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unexpected search_order name \"issuer_cn\"");
    assertThatThrownBy(() -> check(Map.of("smtpd_client_restrictions",
        "check_ccert_access { inline:{a=OK}, { order = cert_fingerprint } }")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("only search_order is allowed");
  }

  @Test
  void notAsked_warnsAsPostfix() throws Exception {
    SmtpdCheck c = check(Map.of("smtpd_tls_ask_ccert", "no",
        "smtpd_client_restrictions", "check_ccert_access inline:{x=OK}, permit_tls_clientcerts"));
    assertThat(rcpt(c, "x@example.com")).isEmpty();
    assertThat(log).containsExactly(
        "warning: check_ccert_access is requested, but \"smtpd_tls_ask_ccert = no\"");
    c.state.tls = Optional.of(new Envelope.Tls("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, false,
        Optional.empty()));
    log.clear();
    assertThat(rcpt(c, "x@example.com")).isEmpty();
    assertThat(log).containsExactly(
        "warning: check_ccert_access is requested, but \"smtpd_tls_ask_ccert = no\"",
        "warning: permit_tls_clientcerts is requested, but \"smtpd_tls_ask_ccert = no\"");
  }
}
