package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NextHopNameTest {

  @ParameterizedTest
  @CsvSource({
    "example.com, example.com",
    "example.com:25, example.com",
    "example.com:smtp, example.com",
    "[mx.example.com], mx.example.com",
    "[mx.example.com]:2525, mx.example.com",
    "[192.0.2.1]:25, 192.0.2.1",
    "'[ipv6:2001:db8::1]:25', 2001:db8::1",
    "'[2001:db8::1]', 2001:db8::1",
    "'2001:db8::1', 2001:db8::1",
    "'::1', ::1",
  })
  void of_destination_givesLookupName(String nexthop, String name) {
    assertThat(NextHopName.of(nexthop)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"127.0.0.1", "0.0.0.0", "::", "::1", "2001:db8::1", "fe80::1:2:3:4:5:6",
        "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1", "2001:DB8::A"})
  void isHostAddress_address_isTrue(String address) {
    assertThat(NextHopName.isHostAddress(address)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "12345::1", "example.com", "1.2.3.4.example", "g::1", ""})
  void isHostAddress_name_isFalse(String name) {
    assertThat(NextHopName.isHostAddress(name)).isFalse();
  }
}
