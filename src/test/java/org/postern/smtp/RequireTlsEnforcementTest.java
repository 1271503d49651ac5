package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.smtp.RequireTlsEnforcement.AfterHandshake;
import org.postern.smtp.RequireTlsEnforcement.BeforeConnect;
import org.postern.smtp.RequireTlsEnforcement.Connect;
import org.postern.smtp.RequireTlsEnforcement.Deliver;
import org.postern.smtp.RequireTlsEnforcement.Refuse;
import org.postern.smtp.RequireTlsEnforcement.Session;
import org.postern.smtp.RequireTlsEnforcement.Skip;
import org.postern.tls.TlsSecurityLevel;

class RequireTlsEnforcementTest {

  /** action, level, then "connect" or the tls= feature of the skip and its status. */
  @ParameterizedTest(name = "{0} at {1}: {2}")
  @CsvSource({
    "enforce, none, !requiretls:nocertmatch, 5.7.10",
    "enforce, may, !requiretls:nocertmatch, 5.7.10",
    "enforce, encrypt, !requiretls:nocertmatch, 5.7.10",
    "enforce, dane, connect,",
    "enforce, dane-only, connect,",
    "enforce, fingerprint, connect,",
    "enforce, verify, connect,",
    "enforce, secure, connect,",
    "opportunistic+starttls, none, !requiretls:noencryption, 5.7.10",
    "opportunistic+starttls, may, connect,",
    "opportunistic+starttls, encrypt, connect,",
    "opportunistic+starttls, dane, connect,",
    "opportunistic+starttls, secure, connect,",
    "opportunistic, none, connect,",
    "opportunistic, may, connect,",
    "opportunistic, encrypt, connect,",
  })
  void beforeConnect_actionAndLevel_decidesWhetherToTry(
      String action, String level, String outcome, String status) {
    BeforeConnect d =
        RequireTlsEnforcement.beforeConnect(
            RequireTlsAction.parse(action).orElseThrow(),
            TlsSecurityLevel.parse(level).orElseThrow(),
            "mx.example");

    if (outcome.equals("connect")) {
      assertThat(d).isEqualTo(new Connect());
    } else {
      assertThat(d).isInstanceOf(Skip.class);
      Skip skip = (Skip) d;
      assertThat(skip.violation().feature().postfixName()).isEqualTo(outcome);
      assertThat(skip.violation().enhancedStatus()).isEqualTo(status);
      assertThat(skip.violation().text())
          .startsWith("Sender requested REQUIRETLS, but my configured TLS security level '" + level + "' disables ")
          .endsWith(". The last attempted server was mx.example");
    }
  }

  /**
   * action, TLS up, certificate matched, REQUIRETLS announced; then "deliver" with whether
   * REQUIRETLS goes on MAIL FROM, or "refuse" with its status; then the tls= feature.
   */
  @ParameterizedTest(name = "{0} tls={1} cert={2} announced={3}: {4} {5} {6}")
  @CsvSource({
    "enforce, false, false, false, refuse, 5.7.30, !requiretls:nostarttls",
    "enforce, false, false, true, refuse, 5.7.30, !requiretls:nostarttls",
    "enforce, true, false, false, refuse, 5.7.10, !requiretls:nocertmatch",
    "enforce, true, false, true, refuse, 5.7.10, !requiretls:nocertmatch",
    "enforce, true, true, false, refuse, 5.7.30, !requiretls:none",
    "enforce, true, true, true, deliver, true, requiretls",
    "opportunistic+starttls, false, false, false, refuse, 5.7.30, !requiretls:nostarttls",
    "opportunistic+starttls, false, false, true, refuse, 5.7.30, !requiretls:nostarttls",
    "opportunistic+starttls, true, false, false, deliver, false, requiretls:none",
    "opportunistic+starttls, true, false, true, deliver, true, requiretls:nocertmatch",
    "opportunistic+starttls, true, true, false, deliver, false, requiretls:none",
    "opportunistic+starttls, true, true, true, deliver, true, requiretls",
    "opportunistic, false, false, false, deliver, false, requiretls:none",
    "opportunistic, false, false, true, deliver, false, requiretls:none",
    "opportunistic, true, false, false, deliver, false, requiretls:none",
    "opportunistic, true, false, true, deliver, true, requiretls:nocertmatch",
    "opportunistic, true, true, false, deliver, false, requiretls:none",
    "opportunistic, true, true, true, deliver, true, requiretls",
  })
  void afterHandshake_session_decidesDelivery(
      String action,
      boolean tls,
      boolean cert,
      boolean announced,
      String outcome,
      String detail,
      String feature) {
    AfterHandshake d =
        RequireTlsEnforcement.afterHandshake(
            RequireTlsAction.parse(action).orElseThrow(), new Session(tls, cert, announced),
            "mx.example[192.0.2.1]");

    if (outcome.equals("deliver")) {
      assertThat(d).isInstanceOf(Deliver.class);
      Deliver deliver = (Deliver) d;
      assertThat(deliver.sendRequireTls()).isEqualTo(Boolean.parseBoolean(detail));
      assertThat(deliver.feature().postfixName()).isEqualTo(feature);
      assertThat(deliver.feature().violated()).isFalse();
    } else {
      assertThat(d).isInstanceOf(Refuse.class);
      Refuse refuse = (Refuse) d;
      assertThat(refuse.violation().enhancedStatus()).isEqualTo(detail);
      assertThat(refuse.violation().feature().postfixName()).isEqualTo(feature);
      assertThat(refuse.violation().feature().violated()).isTrue();
      assertThat(refuse.violation().text())
          .startsWith("Sender requested REQUIRETLS, but ")
          .contains("mx.example[192.0.2.1]");
    }
  }

  /** Postfix 3.12's texts, word for word, for each refusal after the handshake. */
  @ParameterizedTest(name = "{0} tls={1} cert={2}: {3}")
  @CsvSource(delimiter = '|', value = {
    "enforce|false|false|Sender requested REQUIRETLS, but TLS service was not offered by host mx.example[192.0.2.1]",
    "enforce|true|false|Sender requested REQUIRETLS, but no matching server certificate was found."
        + " The last attempted server was mx.example[192.0.2.1]",
    "enforce|true|true|Sender requested REQUIRETLS, but no server was found that supports REQUIRETLS."
        + " The last attempted server was mx.example[192.0.2.1]",
  })
  void afterHandshake_refusal_postfixText(String action, boolean tls, boolean cert, String text) {
    AfterHandshake d = RequireTlsEnforcement.afterHandshake(
        RequireTlsAction.parse(action).orElseThrow(), new Session(tls, cert, false), "mx.example[192.0.2.1]");

    assertThat(((Refuse) d).violation().text()).isEqualTo(text);
  }

  @Test
  void disable_isNotAnAction_messageGoesAsWithoutRequireTls() {
    RequireTlsAction disable = RequireTlsAction.DISABLE;

    assertThatThrownBy(() -> RequireTlsEnforcement.afterHandshake(disable, new Session(true, true, true), "h[a]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disable");
    assertThatThrownBy(() -> RequireTlsEnforcement.beforeConnect(disable, TlsSecurityLevel.MAY, "h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequireTlsEnforcement.starttlsRefused(disable, "h[a]", "454 no"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequireTlsEnforcement.certificateFailed(disable, "h[a]", true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void afterHandshake_strippedStarttlsUnderEnforce_neverDeliversInPlaintext() {
    // A man in the middle removed STARTTLS and REQUIRETLS from the EHLO reply.
    for (RequireTlsAction action :
        List.of(RequireTlsAction.ENFORCE, RequireTlsAction.OPPORTUNISTIC_STARTTLS)) {
      assertThat(RequireTlsEnforcement.afterHandshake(action, new Session(false, false, false), "h[a]"))
          .isInstanceOf(Refuse.class);
    }
  }

  @Test
  void afterHandshake_deliverWithRequireTls_onlyOverTls() {
    for (RequireTlsAction action : List.of(RequireTlsAction.ENFORCE,
        RequireTlsAction.OPPORTUNISTIC_STARTTLS, RequireTlsAction.OPPORTUNISTIC)) {
      for (boolean announced : new boolean[] {false, true}) {
        AfterHandshake d =
            RequireTlsEnforcement.afterHandshake(action, new Session(false, false, announced), "h[a]");
        assertThat(d instanceof Deliver deliver && deliver.sendRequireTls()).isFalse();
      }
    }
  }

  @Test
  void session_certificateMatchWithoutTls_isRejected() {
    assertThatThrownBy(() -> new Session(false, true, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "enforce, 5.7.10",
    "opportunistic+starttls, 5.7.10",
    "opportunistic, none",
  })
  void starttlsRefused_actionRequiringTls_refuses5710(String word, String status) {
    var refused = RequireTlsEnforcement.starttlsRefused(
        RequireTlsAction.parse(word).orElseThrow(), "mx.example[192.0.2.1]", "454 4.7.0 TLS not available");

    assertThat(refused.map(v -> v.enhancedStatus()).orElse("none")).isEqualTo(status);
    refused.ifPresent(v -> assertThat(v.feature().postfixName()).isEqualTo("!requiretls:nostarttls"));
    refused.ifPresent(v -> assertThat(v.text()).isEqualTo("Sender requested REQUIRETLS, but host"
        + " mx.example[192.0.2.1] refused to start TLS: 454 4.7.0 TLS not available"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "enforce, !requiretls:nocertmatch, 5.7.10",
    "opportunistic+starttls, requiretls:nocertmatch, none",
    "opportunistic, requiretls:nocertmatch, none",
  })
  void certificateFailed_enforceRefuses5710_relaxedOnlyLogs(
      String word, String feature, String status) {
    var failure = RequireTlsEnforcement.certificateFailed(
        RequireTlsAction.parse(word).orElseThrow(), "mx.example[192.0.2.1]", true);

    assertThat(failure.feature().postfixName()).isEqualTo(feature);
    assertThat(failure.refusal().map(v -> v.enhancedStatus()).orElse("none")).isEqualTo(status);
  }

  @ParameterizedTest(name = "trusted={0}: {1}")
  @CsvSource({"true, matching", "false, trusted"})
  void certificateFailed_enforce_namesWhatWasMissing(boolean trusted, String missing) {
    var failure = RequireTlsEnforcement.certificateFailed(RequireTlsAction.ENFORCE, "mx.example[192.0.2.1]", trusted);

    assertThat(failure.refusal().orElseThrow().text()).isEqualTo("Sender requested REQUIRETLS, but no "
        + missing + " server certificate was found. The last attempted server was mx.example[192.0.2.1]");
  }

  @ParameterizedTest(name = "{0}, mx secure {1}, MTA-STS listed {2}: refused {3}")
  @CsvSource({
    "ENFORCE, false, false, true",
    "ENFORCE, true, false, false",
    "ENFORCE, false, true, false",
    "OPPORTUNISTIC_STARTTLS, false, false, false",
    "OPPORTUNISTIC, false, false, false",
  })
  void insecureMx_onlyEnforceRefuses_anMxFoundWithoutDnssecOrMtaSts(
      RequireTlsAction action, boolean mxSecure, boolean listed, boolean refused) {
    var v = RequireTlsEnforcement.insecureMx(action, mxSecure, listed, "mx.example[192.0.2.1]");

    assertThat(v.isPresent()).isEqualTo(refused);
    v.ifPresent(violation -> {
      assertThat(violation.enhancedStatus()).isEqualTo("5.7.10");
      assertThat(violation.feature()).isEqualTo(RequireTlsFeature.NOCERTMATCH_VIOLATED);
      assertThat(violation.text()).isEqualTo("Sender requested REQUIRETLS, but no matching server"
          + " certificate was found. The last attempted server was mx.example[192.0.2.1]");
    });
  }
}
