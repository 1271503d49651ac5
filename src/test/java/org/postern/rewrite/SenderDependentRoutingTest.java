package org.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.Resolution;
import org.postern.deliver.Resolution.AddressClass;
import org.postern.deliver.ResolveException;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;

/** sender_dependent_relayhost_maps and sender_dependent_default_transport_maps, as Postfix 3.12. */
class SenderDependentRoutingTest {
  private static final String RELAYHOSTS = "inline:{ alice@example.org=[gw-alice.test]:587,"
      + " @example.org=[gw-example.test], bob@example.org=DUNNO, <>=[gw-bounces.test],"
      + " postmaster=[gw-local.test] }";

  @TempDir Path dir;

  private Resolution resolve(String sender, String address, String... pairs) throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("myhostname", "mail.example.com");
    p.put("mydomain", "example.com");
    p.put("mydestination", "$myhostname, $mydomain");
    p.put("inet_interfaces", "192.0.2.1");
    p.put("relay_domains", "relay.test");
    p.put("sender_dependent_relayhost_maps", RELAYHOSTS);
    for (int i = 0; i < pairs.length; i += 2) {
      p.put(pairs[i], pairs[i + 1]);
    }
    try (TrivialRewrite r = TrivialRewrite.create(MainConfig.of(dir, p), this::open)) {
      return r.resolve(sender, address);
    }
  }

  /** Tables::open, and {@code fail:} for a table that cannot answer. */
  private LookupTable open(String spec) throws TableException {
    if (!spec.startsWith("fail:")) {
      return Tables.open(spec);
    }
    return new LookupTable() {
      @Override
      public String spec() {
        return spec;
      }

      @Override
      public MatchStyle matchStyle() {
        return MatchStyle.FIXED;
      }

      @Override
      public Optional<String> find(String key) throws TableException {
        throw new TableException(spec + ": connection refused");
      }
    };
  }

  @Test
  void relayhostMaps_fullSenderThenDomain_overrideRelayhost() throws Exception {
    assertThat(resolve("alice@example.org", "u@remote.test", "relayhost", "[gw.test]").nexthop())
        .isEqualTo("[gw-alice.test]:587");
    assertThat(resolve("carol@example.org", "u@remote.test", "relayhost", "[gw.test]").nexthop())
        .isEqualTo("[gw-example.test]");
    assertThat(resolve("Alice+ext@Example.ORG", "u@remote.test", "recipient_delimiter", "+")
        .nexthop())
        .isEqualTo("[gw-alice.test]:587");
  }

  @Test
  void relayhostMaps_dunnoEndsTheSearch_relayhostOrDomainApplies() throws Exception {
    assertThat(resolve("bob@example.org", "u@remote.test", "relayhost", "[gw.test]").nexthop())
        .isEqualTo("[gw.test]");
    assertThat(resolve("bob@example.org", "u@remote.test").nexthop()).isEqualTo("remote.test");
  }

  @Test
  void relayhostMaps_nullSenderIsAskedAsItsKey_localSenderByLocalPart() throws Exception {
    assertThat(resolve("", "u@remote.test").nexthop()).isEqualTo("[gw-bounces.test]");
    assertThat(resolve("", "u@remote.test", "empty_address_relayhost_maps_lookup_key",
        "<bounces>").nexthop()).isEqualTo("remote.test");
    assertThat(resolve("postmaster@example.com", "u@remote.test").nexthop())
        .isEqualTo("[gw-local.test]");
  }

  @Test
  void relayhostMaps_relayClassToo_localAndTransportNexthopWin() throws Exception {
    assertThat(resolve("alice@example.org", "u@relay.test"))
        .isEqualTo(new Resolution(AddressClass.RELAY, "relay", "[gw-alice.test]:587",
            "u@relay.test"));
    assertThat(resolve("alice@example.org", "u@example.com").nexthop())
        .isEqualTo("mail.example.com");
    assertThat(resolve("alice@example.org", "u@remote.test",
        "default_transport", "smtp:[fixed.test]").nexthop()).isEqualTo("[fixed.test]");
    assertThat(resolve("alice@example.org", "u@remote.test",
        "transport_maps", "inline:{remote.test=smtp:[mapped.test]}").nexthop())
        .isEqualTo("[mapped.test]");
  }

  @Test
  void defaultTransportMaps_senderTransportForDefaultClassOnly() throws Exception {
    String[] p = {"sender_dependent_default_transport_maps",
        "inline:{ alice@example.org=special:[tx.test], @example.org=DUNNO }",
        "default_transport", "uucp"};
    assertThat(resolve("alice@example.org", "u@remote.test", p))
        .isEqualTo(new Resolution(AddressClass.DEFAULT, "special", "[tx.test]", "u@remote.test"));
    assertThat(resolve("carol@example.org", "u@remote.test", p).transport()).isEqualTo("uucp");
    assertThat(resolve("alice@example.org", "u@relay.test", p).transport()).isEqualTo("relay");
  }

  @Test
  void withoutSender_tablesAreNotAsked() throws Exception {
    Map<String, String> p = new HashMap<>(Map.of("myhostname", "mail.example.com",
        "mydestination", "$myhostname", "inet_interfaces", "192.0.2.1",
        "sender_dependent_relayhost_maps", "fail:relayhosts"));
    try (TrivialRewrite r = TrivialRewrite.create(MainConfig.of(dir, p), this::open)) {
      assertThat(r.resolve("u@remote.test").nexthop()).isEqualTo("remote.test");
    }
  }

  @Test
  void tableThatCannotAnswer_isResolveException() {
    assertThatThrownBy(() -> resolve("a@example.org", "u@remote.test",
        "sender_dependent_relayhost_maps", "fail:relayhosts"))
        .isInstanceOf(ResolveException.class)
        .hasMessageStartingWith("sender_dependent_relayhost_maps lookup failure: ");
    assertThatThrownBy(() -> resolve("a@example.org", "u@remote.test",
        "sender_dependent_default_transport_maps", "fail:transports"))
        .isInstanceOf(ResolveException.class)
        .hasMessageStartingWith("sender_dependent_default_transport_maps lookup failure: ");
  }
}
