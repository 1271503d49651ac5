package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.smtp.AddressOrder.Candidate;
import org.postern.smtp.AddressOrder.Preference;

class AddressOrderTest {

  private static Candidate c(int preference, String address) throws Exception {
    return new Candidate(preference,
        Server.inet("mx" + preference + ".example", InetAddress.getByName(address), 25, false,
            true));
  }

  private static List<String> order(AddressOrder o, List<Candidate> in) {
    return o.order(in).stream().map(s -> s.address().orElseThrow().getHostAddress()).toList();
  }

  private static List<Candidate> mixed() throws Exception {
    return List.of(c(20, "192.0.2.20"), c(10, "192.0.2.1"), c(10, "2001:db8:0:0:0:0:0:1"),
        c(10, "192.0.2.2"), c(10, "2001:db8:0:0:0:0:0:2"), c(20, "2001:db8:0:0:0:0:0:20"));
  }

  @Test
  void order_ipv6Preferred_ipv6FirstWithinEachMxPreference() throws Exception {
    List<String> out = order(new AddressOrder(Preference.IPV6, true, false, 0, new Random(3)),
        mixed());

    assertThat(out.subList(0, 2)).allMatch(a -> a.contains(":"));
    assertThat(out.subList(2, 4)).allMatch(a -> a.startsWith("192.0.2."))
        .containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
    assertThat(out.subList(4, 6)).containsExactly("2001:db8:0:0:0:0:0:20", "192.0.2.20");
  }

  @Test
  void order_ipv4Preferred_ipv4FirstWithinEachMxPreference() throws Exception {
    List<String> out = order(new AddressOrder(Preference.IPV4, true, false, 0, new Random(3)),
        mixed());

    assertThat(out.subList(0, 2)).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
    assertThat(out.subList(2, 4)).allMatch(a -> a.contains(":"));
    assertThat(out.subList(4, 6)).containsExactly("192.0.2.20", "2001:db8:0:0:0:0:0:20");
  }

  @Test
  void order_anySeeded_deterministicAndFamiliesMixedAcrossSeeds() throws Exception {
    AddressOrder a = new AddressOrder(Preference.ANY, true, false, 0, new Random(42));
    AddressOrder b = new AddressOrder(Preference.ANY, true, false, 0, new Random(42));
    assertThat(order(a, mixed())).isEqualTo(order(b, mixed()));

    Set<Boolean> firstIsIpv6 = new HashSet<>();
    for (int seed = 0; seed < 50; seed++) {
      List<String> out = order(new AddressOrder(Preference.ANY, true, false, 0, new Random(seed)),
          mixed());
      assertThat(out.subList(4, 6))
          .containsExactlyInAnyOrder("192.0.2.20", "2001:db8:0:0:0:0:0:20");
      firstIsIpv6.add(out.getFirst().contains(":"));
    }
    assertThat(firstIsIpv6).containsExactlyInAnyOrder(true, false);
  }

  @Test
  void order_anyWithoutRandomizing_keepsAnswerOrderWithinPreference() throws Exception {
    List<String> out = order(new AddressOrder(Preference.ANY, false, false, 0, new Random(1)),
        mixed());

    assertThat(out).containsExactly("192.0.2.1", "2001:db8:0:0:0:0:0:1", "192.0.2.2",
        "2001:db8:0:0:0:0:0:2", "192.0.2.20", "2001:db8:0:0:0:0:0:20");
  }

  @Test
  void order_addressLimit_appliedAfterOrdering() throws Exception {
    List<String> out = order(new AddressOrder(Preference.IPV6, true, false, 2, new Random(5)),
        mixed());

    assertThat(out).hasSize(2).allMatch(a -> a.startsWith("2001:db8:0:0:0:0:0:")
        && !a.endsWith(":20"));
  }

  @Test
  void order_balancedWithinLimit_bothFamiliesKeepASlot() throws Exception {
    List<String> out = order(new AddressOrder(Preference.IPV6, true, true, 2, new Random(5)),
        mixed());

    assertThat(out).hasSize(2);
    assertThat(out.getFirst()).contains(":");
    assertThat(out.get(1)).startsWith("192.0.2.");
  }

  @Test
  void order_balanceFewIpv6_keepsAllIpv6AndFillsWithIpv4() throws Exception {
    List<Candidate> in = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      in.add(c(10, "192.0.2." + i));
    }
    in.add(c(10, "2001:db8:0:0:0:0:0:1"));
    List<String> out = order(new AddressOrder(Preference.IPV4, false, true, 5, new Random(1)), in);

    assertThat(out).containsExactly("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4",
        "2001:db8:0:0:0:0:0:1");
  }

  @Test
  void parse_unknownValue_namesParameter() {
    assertThat(Preference.parse("smtp_address_preference", "IPv6")).isEqualTo(Preference.IPV6);
    assertThatThrownBy(() -> Preference.parse("lmtp_address_preference", "both"))
        .hasMessageContaining("lmtp_address_preference");
  }
}
