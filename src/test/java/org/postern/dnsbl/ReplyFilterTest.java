package org.postern.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ReplyFilterTest {
  private static InetAddress a(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void matches_plainAddress_onlyThatAddress() throws Exception {
    ReplyFilter f = ReplyFilter.parse("127.0.0.2");
    assertThat(f.matches(a("127.0.0.2"))).isTrue();
    assertThat(f.matches(a("127.0.0.3"))).isFalse();
  }

  @Test
  void matches_rangesAndLists() throws Exception {
    ReplyFilter f = ReplyFilter.parse("127.0.[0;1].[2..4;9]");
    assertThat(f.matches(a("127.0.1.3"))).isTrue();
    assertThat(f.matches(a("127.0.0.9"))).isTrue();
    assertThat(f.matches(a("127.0.0.5"))).isFalse();
    assertThat(f.matches(a("127.0.2.2"))).isFalse();
  }

  @Test
  void matches_ipv6Reply_isFalse() throws Exception {
    assertThat(ReplyFilter.parse("127.0.0.2").matches(a("::1"))).isFalse();
  }

  @Test
  void parse_badText_throwsNamingIt() {
    for (String bad : new String[] {"127.0.0", "127.0.0.256", "127.0.0.[4..2]", "127.0.0.[2", "a.b.c.d",
        "127.0.0.2.1", ""}) {
      assertThatThrownBy(() -> ReplyFilter.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("bad DNSBL filter syntax: \"" + bad + "\"");
    }
  }
}
