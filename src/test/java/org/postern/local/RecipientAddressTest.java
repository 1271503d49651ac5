package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecipientAddressTest {
  @Test
  void of_withDelimiter_splitsAtFirstDelimiterLowerCased() {
    assertThat(RecipientAddress.of("Alice+Lists+X@Example.ORG", "+-"))
        .isEqualTo(new RecipientAddress("alice+lists+x", "example.org", "alice", "lists+x", "+"));
  }

  @Test
  void of_noDelimiterConfigured_keepsWholeLocalPart() {
    assertThat(RecipientAddress.of("alice+x@example.org", ""))
        .isEqualTo(new RecipientAddress("alice+x", "example.org", "alice+x", "", ""));
  }

  @Test
  void of_extensionWithSlash_isIgnored() {
    assertThat(RecipientAddress.of("alice+../x@example.org", "+").extension()).isEmpty();
  }

  @Test
  void of_postmasterWithDashDelimiter_isNotSplit() {
    assertThat(RecipientAddress.of("mailer-daemon@example.org", "-").user()).isEqualTo("mailer-daemon");
  }

  @Test
  void sameDomainLocalPart_otherDomain_isEmpty() {
    RecipientAddress r = RecipientAddress.of("alice@example.org", "");
    assertThat(r.sameDomainLocalPart("Bob")).contains("bob");
    assertThat(r.sameDomainLocalPart("bob@EXAMPLE.org")).contains("bob");
    assertThat(r.sameDomainLocalPart("bob@example.net")).isEmpty();
  }
}
