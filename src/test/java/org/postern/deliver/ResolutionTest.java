package org.postern.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postern.deliver.Resolution.AddressClass;

class ResolutionTest {
  private static Resolution to(String recipient) {
    return new Resolution(AddressClass.RELAY, "relay", "relay.example", recipient);
  }

  @Test
  void routed_operatorInLocalPart_isRouted() {
    assertThat(to("u%other.example@relay.example").routed()).isTrue();
    assertThat(to("other.example!u@relay.example").routed()).isTrue();
    assertThat(to("u@other.example@relay.example").routed()).isTrue();
  }

  @Test
  void routed_plainAddress_isNotRouted() {
    assertThat(to("u@relay.example").routed()).isFalse();
    assertThat(to("u@relay.example").domain()).isEqualTo("relay.example");
  }
}
