package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Rfc822AddressesTest {
  @Test
  void parse_displayNamesAndComments_giveAddresses() {
    assertThat(Rfc822Addresses.parse("\"Doe, John\" <j@example.com>, k@example.com (Kay)"))
        .containsExactly("j@example.com", "k@example.com");
  }

  @Test
  void parse_group_givesMembers() {
    assertThat(Rfc822Addresses.parse("Team: a@example.com, b@example.com;, c@example.com"))
        .containsExactly("a@example.com", "b@example.com", "c@example.com");
  }

  @Test
  void parse_routeAndQuotedLocalPart_giveInternalForm() {
    assertThat(Rfc822Addresses.parse("<@relay.example:\"john doe\"@example.com>"))
        .containsExactly("john doe@example.com");
  }

  @Test
  void parse_nullAddress_givesEmptyString() {
    assertThat(Rfc822Addresses.parse("<>")).containsExactly("");
  }

  @Test
  void parse_nothing_givesNoAddress() {
    assertThat(Rfc822Addresses.parse("  (only a comment) ")).isEmpty();
    assertThat(Rfc822Addresses.parse("undisclosed-recipients:;")).isEmpty();
  }

  @Test
  void parse_bareLocalPartAndDomainLiteral_keptAsGiven() {
    assertThat(Rfc822Addresses.parse("root, user@[192.0.2.1]"))
        .containsExactly("root", "user@[192.0.2.1]");
  }
}
