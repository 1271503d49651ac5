package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessKeysTest {
  private static List<String> texts(List<AccessKeys.Key> keys) {
    return keys.stream().map(AccessKeys.Key::text).toList();
  }

  @Test
  void client_nameAndParentsThenAddressAndNetworks() {
    assertThat(texts(AccessKeys.client("mail.sub.example.com", "192.0.2.1", true)))
        .containsExactly("mail.sub.example.com", "sub.example.com", "example.com", "com",
            "192.0.2.1", "192.0.2", "192.0", "192");
  }

  @Test
  void domain_withoutParentMatching_usesLeadingDots() {
    assertThat(texts(AccessKeys.domain("a.example.com", false))).containsExactly("a.example.com", ".example.com", ".com");
  }

  @Test
  void client_ipv6AddressSplitsAtColons() {
    assertThat(texts(AccessKeys.address("2001:db8::1"))).containsExactly("2001:db8::1", "2001:db8:", "2001:db8", "2001");
  }

  @Test
  void mail_fullThenNoExtensionThenDomainsThenLocalpartAt() {
    List<AccessKeys.Key> keys = AccessKeys.mail("user+tag@sub.example.com", "origin.example", "+", true);
    assertThat(texts(keys)).containsExactly("user+tag@sub.example.com", "user@sub.example.com",
        "sub.example.com", "example.com", "com", "user+tag@", "user@");
    assertThat(keys.get(0).partial()).isFalse();
    assertThat(keys.subList(1, keys.size())).allMatch(AccessKeys.Key::partial);
  }

  @Test
  void mail_bareLocalPart_isQualifiedWithMyorigin() {
    assertThat(texts(AccessKeys.mail("user", "origin.example", "", true)).get(0)).isEqualTo("user@origin.example");
  }

  @Test
  void domain_numericAddress_hasNoParents() {
    assertThat(texts(AccessKeys.domain("192.0.2.1", true))).containsExactly("192.0.2.1");
  }
}
