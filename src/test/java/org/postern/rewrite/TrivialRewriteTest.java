package org.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

class TrivialRewriteTest {
  @TempDir Path dir;

  private final List<String> opened = new ArrayList<>();
  private final List<String> closed = new ArrayList<>();
  private final List<String> patternKeys = new ArrayList<>();

  /** A table whose every lookup fails, as a remote table that does not answer. */
  private final class FailingTable implements LookupTable {
    private final String spec;

    FailingTable(String spec) {
      this.spec = spec;
    }

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
  }

  /** A pattern table that records its keys and answers only for *. */
  private final class RecordingPatternTable implements LookupTable {
    @Override
    public String spec() {
      return "regexp:/recording";
    }

    @Override
    public MatchStyle matchStyle() {
      return MatchStyle.PATTERN;
    }

    @Override
    public Optional<String> find(String key) {
      patternKeys.add(key);
      return key.equals("*") ? Optional.of("smtp:[pattern.test]") : Optional.empty();
    }
  }

  private LookupTable open(String spec) throws TableException {
    opened.add(spec);
    LookupTable t;
    if (spec.startsWith("fail:")) {
      t = new FailingTable(spec);
    } else if (spec.equals("regexp:/recording")) {
      t = new RecordingPatternTable();
    } else {
      t = Tables.open(spec);
    }
    LookupTable inner = t;
    return new LookupTable() {
      @Override
      public String spec() {
        return inner.spec();
      }

      @Override
      public MatchStyle matchStyle() {
        return inner.matchStyle();
      }

      @Override
      public Optional<String> find(String key) throws TableException {
        return inner.find(key);
      }

      @Override
      public void close() {
        closed.add(spec);
      }
    };
  }

  private TrivialRewrite resolver(String... pairs) throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("myhostname", "mail.example.com");
    p.put("mydomain", "example.com");
    p.put("myorigin", "$mydomain");
    p.put("mydestination", "$myhostname, localhost.$mydomain, localhost, $mydomain");
    p.put("inet_interfaces", "192.0.2.1");
    for (int i = 0; i < pairs.length; i += 2) {
      p.put(pairs[i], pairs[i + 1]);
    }
    return TrivialRewrite.create(MainConfig.of(dir, p), this::open);
  }

  private Resolution resolve(String address, String... pairs) throws Exception {
    try (TrivialRewrite r = resolver(pairs)) {
      return r.resolve(address);
    }
  }

  private static Resolution res(AddressClass c, String transport, String nexthop, String rcpt) {
    return new Resolution(c, transport, nexthop, rcpt);
  }

  // Canonical form

  @Test
  void resolve_bareUser_getsMyoriginAndLocalTransport() throws Exception {
    assertThat(resolve("user"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com", "user@example.com"));
  }

  @Test
  void resolve_bareUserWithoutAppendAtMyorigin_getsMyhostname() throws Exception {
    assertThat(resolve("user", "append_at_myorigin", "no").recipient())
        .isEqualTo("user@mail.example.com");
  }

  @Test
  void resolve_hostWithoutDot_appendsMydomainOnlyWhenAsked() throws Exception {
    assertThat(resolve("user@host", "append_dot_mydomain", "yes"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "host.example.com", "user@host.example.com"));
    assertThat(resolve("user@host"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "host", "user@host"));
  }

  @Test
  void resolve_trailingDot_isStripped() throws Exception {
    assertThat(resolve("user@remote.test."))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "remote.test", "user@remote.test"));
  }

  @Test
  void resolve_sourceRoute_isStripped() throws Exception {
    assertThat(resolve("@hop.test,@hop2.test:user@remote.test").recipient())
        .isEqualTo("user@remote.test");
  }

  @Test
  void resolve_bangPath_becomesUserAtHost() throws Exception {
    assertThat(resolve("remote.test!user"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "remote.test", "user@remote.test"));
    assertThat(resolve("remote.test!user@example.com").recipient()).isEqualTo("user@remote.test");
    assertThat(resolve("remote.test!user@example.com", "swap_bangpath", "no"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com",
            "remote.test!user@example.com"));
  }

  @Test
  void resolve_percentHackBehindLocalDomain_routesToNamedDomain() throws Exception {
    assertThat(resolve("user%remote.test@example.com"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "remote.test", "user@remote.test"));
  }

  @Test
  void resolve_percentHackBehindRemoteDomain_isLeftForThatDomain() throws Exception {
    assertThat(resolve("user%remote.test@other.test"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "other.test", "user%remote.test@other.test"));
  }

  @Test
  void resolve_percentHackDisabled_staysLocal() throws Exception {
    assertThat(resolve("user%remote.test@example.com", "allow_percent_hack", "no"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com",
            "user%remote.test@example.com"));
  }

  @Test
  void resolve_quotedLocalPart_isKept() throws Exception {
    assertThat(resolve("first last@example.com"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com", "first last@example.com"));
  }

  @Test
  void resolve_quotedRoutingBehindLocalDomain_isCrackedOpenUnlessDisabled() throws Exception {
    assertThat(resolve("user@remote.test@example.com"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "remote.test", "user@remote.test"));
    assertThat(resolve("user@remote.test@example.com", "resolve_dequoted_address", "no"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com",
            "user@remote.test@example.com"));
  }

  @Test
  void resolve_emptyAddress_isMailerDaemonAtMyhostname() throws Exception {
    assertThat(resolve(""))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com",
            "MAILER-DAEMON@mail.example.com"));
  }

  // Local class

  @Test
  void resolve_localhostAndMydestinationNames_areLocal() throws Exception {
    assertThat(resolve("root@localhost").addressClass()).isEqualTo(AddressClass.LOCAL);
    assertThat(resolve("root@MAIL.example.com").addressClass()).isEqualTo(AddressClass.LOCAL);
    assertThat(resolve("root@sub.example.com").addressClass()).isEqualTo(AddressClass.DEFAULT);
  }

  @Test
  void resolve_addressLiteralOfOwnInterface_isLocal() throws Exception {
    assertThat(resolve("root@[192.0.2.1]"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com", "root@[192.0.2.1]"));
    assertThat(resolve("root@[192.0.2.9]"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "[192.0.2.9]", "root@[192.0.2.9]"));
  }

  @Test
  void resolve_addressLiteralOfProxyOrIpv6Interface_isLocal() throws Exception {
    assertThat(resolve("root@[198.51.100.7]", "proxy_interfaces", "198.51.100.7").addressClass())
        .isEqualTo(AddressClass.LOCAL);
    assertThat(resolve("root@[IPv6:2001:db8::1]", "inet_interfaces", "[2001:db8::1]").addressClass())
        .isEqualTo(AddressClass.LOCAL);
  }

  @Test
  void resolve_bareIpDomain_isBadSyntaxUnlessResolveNumericDomain() throws Exception {
    assertThat(resolve("root@192.0.2.1"))
        .isEqualTo(res(AddressClass.DEFAULT, "error", "5.1.3 bad address syntax", "root@192.0.2.1"));
    assertThat(resolve("root@192.0.2.1", "resolve_numeric_domain", "yes"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "mail.example.com", "root@[192.0.2.1]"));
  }

  @Test
  void resolve_badDomainOrLeadingDash_isBadSyntax() throws Exception {
    assertThat(resolve("user@bad..test").transport()).isEqualTo("error");
    assertThat(resolve("user@-bad.test").nexthop()).isEqualTo("5.1.3 bad address syntax");
    assertThat(resolve("-user@example.com").nexthop()).isEqualTo("5.1.3 bad address syntax");
    assertThat(resolve("-user@example.com", "allow_min_user", "yes").addressClass())
        .isEqualTo(AddressClass.LOCAL);
  }

  @Test
  void resolve_localTransportWithSocket_usesItsNexthop() throws Exception {
    assertThat(resolve("user@example.com", "local_transport", "lmtp:unix:/run/dovecot/lmtp"))
        .isEqualTo(res(AddressClass.LOCAL, "lmtp", "unix:/run/dovecot/lmtp", "user@example.com"));
    assertThat(resolve("user@example.com", "local_transport", "local"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "example.com", "user@example.com"));
  }

  @Test
  void resolve_recipientDelimiter_localPartKeepsExtension() throws Exception {
    assertThat(resolve("user+box@example.com", "recipient_delimiter", "+").recipient())
        .isEqualTo("user+box@example.com");
  }

  // Virtual alias, virtual mailbox, relay, default

  @Test
  void resolve_unaliasedVirtualAliasDomain_isUserUnknown() throws Exception {
    assertThat(resolve("nobody@alias.test", "virtual_alias_domains", "alias.test",
        "transport_maps", "inline:{*=smtp:[elsewhere]}"))
        .isEqualTo(res(AddressClass.VIRTUAL_ALIAS, "error",
            "5.1.1 User unknown in virtual alias table", "nobody@alias.test"));
    assertThat(resolve("nobody@alias.test", "virtual_alias_domains", "alias.test",
        "show_user_unknown_table_name", "no").nexthop())
        .isEqualTo("5.1.1 User unknown");
  }

  @Test
  void resolve_virtualMailboxDomainInTable_usesVirtualTransport() throws Exception {
    assertThat(resolve("u@vmail.test", "virtual_mailbox_domains", "inline:{vmail.test=ok}"))
        .isEqualTo(res(AddressClass.VIRTUAL_MAILBOX, "virtual", "vmail.test", "u@vmail.test"));
    assertThat(resolve("u@sub.vmail.test", "virtual_mailbox_domains", "inline:{vmail.test=ok}")
        .addressClass()).isEqualTo(AddressClass.DEFAULT);
  }

  @Test
  void resolve_relayDomainAndSubdomain_useRelayTransport() throws Exception {
    assertThat(resolve("u@relay.test", "relay_domains", "relay.test"))
        .isEqualTo(res(AddressClass.RELAY, "relay", "relay.test", "u@relay.test"));
    assertThat(resolve("u@a.relay.test", "relay_domains", "relay.test").addressClass())
        .isEqualTo(AddressClass.RELAY);
  }

  @Test
  void resolve_relayDomainsWithoutParentMatching_needDotForm() throws Exception {
    assertThat(resolve("u@a.relay.test", "relay_domains", "relay.test",
        "parent_domain_matches_subdomains", "").addressClass())
        .isEqualTo(AddressClass.DEFAULT);
    assertThat(resolve("u@a.relay.test", "relay_domains", ".relay.test",
        "parent_domain_matches_subdomains", "").addressClass())
        .isEqualTo(AddressClass.RELAY);
    assertThat(resolve("u@a.relay.test", "relay_domains", "inline:{.relay.test=ok}",
        "parent_domain_matches_subdomains", "").addressClass())
        .isEqualTo(AddressClass.RELAY);
  }

  @Test
  void resolve_domainListNegationAndFile_areHonoured() throws Exception {
    Path file = dir.resolve("relays");
    Files.writeString(file, "# relays\nrelay.test other.test\n");
    assertThat(resolve("u@no.relay.test", "relay_domains", "!no.relay.test, " + file)
        .addressClass()).isEqualTo(AddressClass.DEFAULT);
    assertThat(resolve("u@other.test", "relay_domains", "!no.relay.test, " + file)
        .addressClass()).isEqualTo(AddressClass.RELAY);
  }

  @Test
  void resolve_relayhost_isNexthopForRelayAndDefaultNotLocal() throws Exception {
    String[] p = {"relayhost", "[gw.example.net]:587", "relay_domains", "relay.test"};
    assertThat(resolve("u@remote.test", p).nexthop()).isEqualTo("[gw.example.net]:587");
    assertThat(resolve("u@relay.test", p).nexthop()).isEqualTo("[gw.example.net]:587");
    assertThat(resolve("u@example.com", p).nexthop()).isEqualTo("mail.example.com");
  }

  @Test
  void resolve_defaultTransportWithNexthop_winsOverRelayhost() throws Exception {
    assertThat(resolve("u@remote.test", "relayhost", "[gw.example.net]",
        "default_transport", "smtp:[fallback.test]:25"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "[fallback.test]:25", "u@remote.test"));
  }

  @Test
  void resolve_nullTransport_isResolveException() throws Exception {
    try (TrivialRewrite r = resolver("default_transport", "")) {
      assertThatThrownBy(() -> r.resolve("u@remote.test"))
          .isInstanceOf(ResolveException.class)
          .hasMessageContaining("parameter default_transport: null transport is not allowed");
    }
  }

  // transport_maps

  private Resolution viaTransport(String address, String table, String... more) throws Exception {
    List<String> p = new ArrayList<>(List.of("transport_maps", table));
    p.addAll(List.of(more));
    return resolve(address, p.toArray(String[]::new));
  }

  @Test
  void transportMaps_fullAddressBeforeDomain() throws Exception {
    String t = "inline:{ {user@t.test = error:5.1.1 mailbox gone}, t.test=smtp:[mx.t.test]:2525 }";
    assertThat(viaTransport("user@t.test", t))
        .isEqualTo(res(AddressClass.DEFAULT, "error", "5.1.1 mailbox gone", "user@t.test"));
    assertThat(viaTransport("other@t.test", t))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "[mx.t.test]:2525", "other@t.test"));
  }

  @Test
  void transportMaps_addressWithExtension_alsoTriesAddressWithout() throws Exception {
    Resolution r = viaTransport("user+box@t.test", "inline:{user@t.test=lmtp:unix:/run/lmtp}",
        "recipient_delimiter", "+");
    assertThat(r).isEqualTo(res(AddressClass.DEFAULT, "lmtp", "unix:/run/lmtp", "user+box@t.test"));
    assertThat(viaTransport("owner-list@t.test", "inline:{owner@t.test=discard:}",
        "recipient_delimiter", "-").transport()).isEqualTo("smtp");
  }

  @Test
  void transportMaps_parentDomains_dotFormUnlessParentStyle() throws Exception {
    assertThat(viaTransport("u@a.t.test", "inline:{.t.test=lmtp:inet:lmtp.test:24}"))
        .isEqualTo(res(AddressClass.DEFAULT, "lmtp", "inet:lmtp.test:24", "u@a.t.test"));
    assertThat(viaTransport("u@a.t.test", "inline:{t.test=relay:}").transport()).isEqualTo("smtp");
    assertThat(viaTransport("u@a.t.test", "inline:{t.test=relay:}",
        "parent_domain_matches_subdomains", "transport_maps").transport()).isEqualTo("relay");
  }

  @Test
  void transportMaps_wildcardAndDiscard_resetNexthopToDomain() throws Exception {
    assertThat(viaTransport("u@remote.test", "inline:{*=discard:}", "relayhost", "[gw.test]"))
        .isEqualTo(res(AddressClass.DEFAULT, "discard", "remote.test", "u@remote.test"));
  }

  @Test
  void transportMaps_transportOnlyForms() throws Exception {
    assertThat(viaTransport("u@t.test", "inline:{t.test=relay}", "relayhost", "[gw.test]"))
        .isEqualTo(res(AddressClass.DEFAULT, "relay", "t.test", "u@t.test"));
    assertThat(viaTransport("u@t.test", "inline:{t.test=error:}").nexthop())
        .isEqualTo("Address is undeliverable");
  }

  @Test
  void transportMaps_nexthopOnlyAndNoop_keepTransport() throws Exception {
    assertThat(viaTransport("u@example.com", "inline:{example.com=:[10.0.0.1]}"))
        .isEqualTo(res(AddressClass.LOCAL, "local", "[10.0.0.1]", "u@example.com"));
    assertThat(viaTransport("u@t.test", "inline:{t.test=:}", "relayhost", "[gw.test]"))
        .isEqualTo(res(AddressClass.DEFAULT, "smtp", "[gw.test]", "u@t.test"));
  }

  @Test
  void transportMaps_patternTables_seeOnlyFullAddressAndWildcard() throws Exception {
    Resolution r = viaTransport("u+x@a.t.test", "regexp:/recording", "recipient_delimiter", "+");
    assertThat(r.nexthop()).isEqualTo("[pattern.test]");
    assertThat(patternKeys).containsExactly("u+x@a.t.test", "*");
  }

  @Test
  void transportMaps_lookupError_isResolveException() throws Exception {
    try (TrivialRewrite r = resolver("transport_maps", "fail:transport")) {
      assertThatThrownBy(() -> r.resolve("u@t.test"))
          .isInstanceOf(ResolveException.class)
          .hasMessageContaining("transport_maps lookup failure")
          .hasMessageContaining("fail:transport");
    }
  }

  @Test
  void resolve_domainListLookupError_isResolveException() throws Exception {
    try (TrivialRewrite r = resolver("relay_domains", "fail:relay")) {
      assertThatThrownBy(() -> r.resolve("u@t.test"))
          .isInstanceOf(ResolveException.class)
          .hasMessageContaining("relay_domains lookup failure");
    }
    try (TrivialRewrite r = resolver("mydestination", "fail:mydest")) {
      assertThatThrownBy(() -> r.resolve("u@t.test"))
          .isInstanceOf(ResolveException.class)
          .hasMessageContaining("mydestination lookup failure");
    }
  }

  @Test
  void create_sameTableInTwoParameters_opensItOnceAndCloseClosesIt() throws Exception {
    try (TrivialRewrite r = resolver("virtual_alias_maps", "inline:{a@alias.test=b@example.com}",
        "virtual_alias_domains", "inline:{alias.test=x}",
        "transport_maps", "inline:{alias.test=x}")) {
      assertThat(r.resolve("u@alias.test").addressClass()).isEqualTo(AddressClass.VIRTUAL_ALIAS);
    }
    assertThat(opened).containsExactly("inline:{alias.test=x}");
    assertThat(closed).containsExactly("inline:{alias.test=x}");
  }
}
