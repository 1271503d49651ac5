package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;

class ServerFinderTest {
  private final FakeResolver dns = new FakeResolver();

  private List<Server> find(String nexthop, int limit) throws Exception {
    return new ServerFinder(dns, InetProtocols.ALL, "me.example",
        new AddressOrder(AddressOrder.Preference.ANY, false, true, limit, new Random(7)))
        .find(Destination.parse(nexthop, Protocol.SMTP, "smtp", "me.example"));
  }

  private void host(String name, String... addresses) throws Exception {
    List<InetAddress> list = new java.util.ArrayList<>();
    for (String a : addresses) {
      list.add(InetAddress.getByName(a));
    }
    dns.hosts.put(name, list);
  }

  @Test
  void find_mxRecords_preferenceOrderThenAddresses() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(20, "b.example.com"),
        new MxRecord(10, "a.example.com")));
    host("a.example.com", "192.0.2.1", "192.0.2.2");
    host("b.example.com", "192.0.2.3");

    assertThat(find("example.com", 5)).extracting(Server::toString).containsExactly(
        "a.example.com[192.0.2.1]:25", "a.example.com[192.0.2.2]:25",
        "b.example.com[192.0.2.3]:25");
  }

  @Test
  void find_equalPreferences_allReturnedInSomeOrder() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "a.example.com"),
        new MxRecord(10, "b.example.com"), new MxRecord(10, "c.example.com")));
    host("a.example.com", "192.0.2.1");
    host("b.example.com", "192.0.2.2");
    host("c.example.com", "192.0.2.3");

    assertThat(find("example.com", 0)).extracting(Server::hostname)
        .containsExactlyInAnyOrder("a.example.com", "b.example.com", "c.example.com");
  }

  @Test
  void find_ipv6Preference_orderWithinHostThenLimit() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(20, "b.example.com"),
        new MxRecord(10, "a.example.com")));
    host("a.example.com", "192.0.2.1", "2001:db8::1");
    host("b.example.com", "2001:db8::2");
    ServerFinder f = new ServerFinder(dns, InetProtocols.ALL, "me.example",
        new AddressOrder(AddressOrder.Preference.IPV6, true, true, 2, new Random(11)));

    assertThat(f.find(Destination.parse("example.com", Protocol.SMTP, "smtp", "me.example")))
        .extracting(Server::toString)
        .containsExactly("a.example.com[2001:db8:0:0:0:0:0:1]:25", "a.example.com[192.0.2.1]:25");
  }

  @Test
  void find_addressLimit_truncates() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "a.example.com")));
    host("a.example.com", "192.0.2.1", "192.0.2.2", "192.0.2.3");

    assertThat(find("example.com", 2)).hasSize(2);
  }

  @Test
  void find_noMx_usesDomainAddressesWithPort() throws Exception {
    host("example.com", "192.0.2.9");

    assertThat(find("example.com:2525", 5)).extracting(Server::toString)
        .containsExactly("example.com[192.0.2.9]:2525");
  }

  @Test
  void find_bracketedHost_skipsMxLookup() throws Exception {
    dns.mx.put("relay.example", List.of(new MxRecord(10, "elsewhere.example")));
    host("relay.example", "192.0.2.5");

    assertThat(find("[relay.example]:587", 5)).extracting(Server::toString)
        .containsExactly("relay.example[192.0.2.5]:587");
  }

  @Test
  void find_authenticAnswers_markServersDnssec() throws Exception {
    dns.authentic = true;
    dns.mx.put("example.com", List.of(new MxRecord(10, "a.example.com")));
    host("a.example.com", "192.0.2.1");

    assertThat(find("example.com", 5)).singleElement().extracting(Server::dnssec).isEqualTo(true);
  }

  @Test
  void find_mxPointsAtMyself_dropsEqualAndWorseOrBounces546() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "a.example.com"),
        new MxRecord(20, "me.example"), new MxRecord(30, "z.example.com")));
    host("a.example.com", "192.0.2.1");
    dns.mx.put("loop.example", List.of(new MxRecord(10, "me.example")));

    assertThat(find("example.com", 5)).extracting(Server::hostname).containsExactly("a.example.com");
    assertThatThrownBy(() -> find("loop.example", 5))
        .isInstanceOfSatisfying(DestinationException.class,
            e -> assertThat(e.dsn()).isEqualTo("5.4.6"));
  }

  @Test
  void find_someMxHostsUnresolvable_usesTheOthers() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(10, "gone.example.com"),
        new MxRecord(20, "b.example.com")));
    host("b.example.com", "192.0.2.3");

    assertThat(find("example.com", 5)).extracting(Server::hostname).containsExactly("b.example.com");
  }
}
