package org.postern.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DnsblSiteTest {
  @Test
  void parseWeighted_filterAndNegativeWeight() {
    DnsblSite s = DnsblSite.parseWeighted("list.dnswl.example=127.0.[0..255].[1..3]*-5");
    assertThat(s.domain()).isEqualTo("list.dnswl.example");
    assertThat(s.filter()).isPresent();
    assertThat(s.weight()).isEqualTo(-5);
    assertThat(s.domainAndFilter()).isEqualTo("list.dnswl.example=127.0.[0..255].[1..3]");
  }

  @Test
  void parse_plainDomain_weightOne_noFilter() {
    DnsblSite s = DnsblSite.parse("zen.example");
    assertThat(s.weight()).isEqualTo(1);
    assertThat(s.filter()).isEmpty();
    assertThat(s.spec()).isEqualTo("zen.example");
  }

  @Test
  void parseWeighted_badWeight_postfixWording() {
    assertThatThrownBy(() -> DnsblSite.parseWeighted("zen.example*x"))
        .hasMessage("bad DNSBL weight factor \"x\" in \"zen.example*x\"");
  }

  @Test
  void parse_badDomain_postfixWording() {
    assertThatThrownBy(() -> DnsblSite.parse("zen..example"))
        .hasMessage("bad DNSBL domain name \"zen..example\" in \"zen..example\"");
  }

  @Test
  void parse_weightInASmtpdArgument_isABadDomain() {
    assertThatThrownBy(() -> DnsblSite.parse("zen.example*2"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
