package org.postern.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.DnsjavaResolver;
import org.postern.dns.InetProtocols;
import org.postern.dns.ListedAddresses;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;

class DnsListsTest {
  /** Answers list queries from a map; a name mapped to null fails transiently. */
  private record FakeResolver(Map<String, ListedAddresses> listed, Map<String, List<String>> txt,
      List<String> asked) implements Resolver {
    @Override
    public DnsAnswer<MxRecord> mx(String domain) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ListedAddresses listed(String name) throws DnsLookupException {
      asked.add(name);
      if (!listed.containsKey(name)) {
        return new ListedAddresses(List.of(), 60);
      }
      ListedAddresses a = listed.get(name);
      if (a == null) {
        throw new DnsLookupException("Host or domain name not found. Name service error for name="
            + name + " type=A: Host not found, try again", false);
      }
      return a;
    }

    @Override
    public DnsAnswer<String> txt(String name) {
      return new DnsAnswer<>(txt.getOrDefault(name, List.of()), false);
    }
  }

  private static InetAddress a(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void addressQuery_ipv4_reversedOctets() throws Exception {
    assertThat(DnsLists.addressQuery(a("192.0.2.1"), "zen.example")).isEqualTo("1.2.0.192.zen.example");
  }

  @Test
  void addressQuery_ipv6_reversedNibbles() throws Exception {
    assertThat(DnsLists.addressQuery(a("2001:db8::1"), "zen.example")).isEqualTo(
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.example");
  }

  @Test
  void domainQuery_addressDomain_literalAndNumericSkipped() {
    assertThat(DnsLists.domainQuery("user@Bad.Example", "rhsbl.example")).contains("Bad.Example.rhsbl.example");
    assertThat(DnsLists.domainQuery("mail.bad.example", "rhsbl.example")).contains("mail.bad.example.rhsbl.example");
    assertThat(DnsLists.domainQuery("user@[192.0.2.1]", "rhsbl.example")).isEmpty();
    assertThat(DnsLists.domainQuery("host.123", "rhsbl.example")).isEmpty();
    assertThat(DnsLists.domainQuery("user@", "rhsbl.example")).isEmpty();
  }

  @Test
  void ask_filterKeepsMatchingRepliesOnly() throws Exception {
    String q = "2.0.0.127.zen.example";
    FakeResolver r = new FakeResolver(
        Map.of(q, new ListedAddresses(List.of(a("127.0.0.2"), a("127.0.0.10")), 300)), Map.of(), new ArrayList<>());
    DnsLists lists = new DnsLists(r);
    assertThat(lists.ask(q, DnsblSite.parse("zen.example=127.0.0.[2..9]")))
        .isEqualTo(new DnsLists.Answer.Listed(q, List.of(a("127.0.0.2")), 300));
    assertThat(lists.ask(q, DnsblSite.parse("zen.example=127.0.0.[3..9]")))
        .isEqualTo(new DnsLists.Answer.NotListed(300));
  }

  @Test
  void ask_serverFailure_isUnavailableNeverListed() {
    String q = "2.0.0.127.zen.example";
    java.util.HashMap<String, ListedAddresses> m = new java.util.HashMap<>();
    m.put(q, null);
    DnsLists.Answer answer = new DnsLists(new FakeResolver(m, Map.of(), new ArrayList<>()))
        .ask(q, DnsblSite.parse("zen.example"));
    assertThat(answer).isInstanceOf(DnsLists.Answer.Unavailable.class);
    assertThat(((DnsLists.Answer.Unavailable) answer).why()).contains("try again");
  }

  @Test
  void reason_joinsTxtRecords() {
    DnsLists lists = new DnsLists(new FakeResolver(Map.of(),
        Map.of("q.example", List.of("one", "two")), new ArrayList<>()));
    assertThat(lists.reason("q.example")).isEqualTo("one / two");
    assertThat(lists.reason("none.example")).isEmpty();
  }

  @Test
  void dnsjavaResolver_withoutServer_isUnavailable() throws Exception {
    // A port nobody answers on: a timeout is "try again", never "not listed".
    DnsjavaResolver silent = new DnsjavaResolver(
        List.of(new java.net.InetSocketAddress(a("127.0.93.250"), 9)), java.time.Duration.ofMillis(300));
    assertThat(new DnsLists(silent).ask("2.0.0.127.zen.example", DnsblSite.parse("zen.example")))
        .isInstanceOf(DnsLists.Answer.Unavailable.class);
  }
}
