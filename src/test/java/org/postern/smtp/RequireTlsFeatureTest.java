package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequireTlsFeatureTest {

  @Test
  void postfixName_matchesLoggingSpellings() {
    assertThat(RequireTlsFeature.values())
        .extracting(RequireTlsFeature::postfixName)
        .containsExactly(
            "requiretls",
            "!requiretls:nocertmatch",
            "requiretls:nocertmatch",
            "!requiretls:nostarttls",
            "!requiretls:noencryption",
            "!requiretls:none",
            "requiretls:none",
            "requiretls?");
  }

  @Test
  void violated_onlyForBangForms() {
    assertThat(RequireTlsFeature.NONE_VIOLATED.violated()).isTrue();
    assertThat(RequireTlsFeature.NOENCRYPTION_VIOLATED.violated()).isTrue();
    assertThat(RequireTlsFeature.NONE_PERMITTED.violated()).isFalse();
    assertThat(RequireTlsFeature.UNDECIDED.violated()).isFalse();
    assertThat(RequireTlsFeature.REQUIRETLS.violated()).isFalse();
  }
}
