package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequireTlsActionTest {

  @Test
  void parse_postfixSpellingsInAnyCase_areFound() {
    assertThat(RequireTlsAction.parse("enforce")).contains(RequireTlsAction.ENFORCE);
    assertThat(RequireTlsAction.parse("Opportunistic+STARTTLS"))
        .contains(RequireTlsAction.OPPORTUNISTIC_STARTTLS);
    assertThat(RequireTlsAction.parse("OPPORTUNISTIC")).contains(RequireTlsAction.OPPORTUNISTIC);
    assertThat(RequireTlsAction.parse("disable")).contains(RequireTlsAction.DISABLE);
  }

  @Test
  void parse_otherWords_areEmpty() {
    assertThat(RequireTlsAction.parse("error")).isEmpty();
    assertThat(RequireTlsAction.parse("opportunistic+")).isEmpty();
    assertThat(RequireTlsAction.parse("")).isEmpty();
  }

  @Test
  void postfixName_roundTrips() {
    for (RequireTlsAction a : RequireTlsAction.values()) {
      assertThat(RequireTlsAction.parse(a.postfixName())).contains(a);
      assertThat(a).hasToString(a.postfixName());
    }
  }
}
