package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CheckActionTest {
  @Test
  void parse_commandIsCaseInsensitiveAndTextTrimmed() {
    assertThat(CheckAction.parse("reject   go away ", "header_checks", true))
        .isEqualTo(new CheckAction.Reject("go away"));
    assertThat(CheckAction.parse("Hold", "header_checks", true)).isEqualTo(new CheckAction.Hold(""));
  }

  @Test
  void parse_redirectWithoutAt_isInvalid() {
    assertThat(CheckAction.parse("REDIRECT nobody", "body_checks", false))
        .isEqualTo(new CheckAction.Invalid(
            "bad REDIRECT target \"nobody\" in body_checks map -- need user@domain"));
  }

  @Test
  void parse_prependInBody_needsNoHeaderForm() {
    assertThat(CheckAction.parse("PREPEND some text", "body_checks", false))
        .isEqualTo(new CheckAction.Prepend("some text"));
    assertThat(CheckAction.parse("PREPEND", "body_checks", false))
        .isEqualTo(new CheckAction.Invalid("PREPEND action without text in body_checks map"));
  }

  @Test
  void parse_ignoreWithText_isIgnore() {
    assertThat(CheckAction.parse("IGNORE because", "header_checks", true))
        .isEqualTo(new CheckAction.Ignore());
  }
}
