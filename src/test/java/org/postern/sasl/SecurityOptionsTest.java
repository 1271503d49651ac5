package org.postern.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecurityOptionsTest {
  private static final Mechanism PLAIN = new Mechanism("PLAIN", Set.of("plaintext"));
  private static final Mechanism LOGIN = new Mechanism("LOGIN", Set.of("plaintext"));
  private static final Mechanism CRAM = new Mechanism("CRAM-MD5", Set.of("dictionary", "active"));
  private static final Mechanism ANON = new Mechanism("ANONYMOUS", Set.of("anonymous"));
  private static final Mechanism SCRAM = new Mechanism("SCRAM-SHA-256", Set.of("mutual-auth"));
  private static final List<Mechanism> ALL = List.of(PLAIN, LOGIN, CRAM, ANON, SCRAM);

  @Test
  void filter_noanonymous_withholdsAnonymousOnly() {
    assertThat(SecurityOptions.parse(List.of("noanonymous")).filter(ALL)).containsExactly(PLAIN, LOGIN, CRAM, SCRAM);
  }

  @Test
  void filter_noplaintext_withholdsPlainAndLogin() {
    assertThat(SecurityOptions.parse(List.of("noplaintext", "NOANONYMOUS")).filter(ALL)).containsExactly(CRAM, SCRAM);
  }

  @Test
  void filter_mutualAuth_keepsOnlyMechanismsWithIt() {
    assertThat(SecurityOptions.parse(List.of("mutual_auth")).filter(ALL)).containsExactly(SCRAM);
  }

  @Test
  void filter_empty_keepsAll() {
    assertThat(SecurityOptions.parse(List.of()).filter(ALL)).isEqualTo(ALL);
  }

  @Test
  void parse_unknownWord_throwsNamingIt() {
    assertThatThrownBy(() -> SecurityOptions.parse(List.of("noanonymous", "nosuch")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"nosuch\"");
  }
}
