package org.postern.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Base64TextTest {
  @Test
  void valid_paddedAndEmpty_true() {
    assertThat(Base64Text.valid("AGFsaWNlAHNlY3JldA==")).isTrue();
    assertThat(Base64Text.valid("")).isTrue();
    assertThat(Base64Text.valid("YWxpY2U")).isTrue();
  }

  @Test
  void valid_badCharactersOrLength_false() {
    assertThat(Base64Text.valid("A")).isFalse();
    assertThat(Base64Text.valid("ab!d")).isFalse();
    assertThat(Base64Text.valid("a=bc")).isFalse();
    assertThat(Base64Text.valid("AA==\tresp=x")).isFalse();
  }
}
