package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.smtp.RequireTlsVerdict.Chosen;
import org.postern.smtp.RequireTlsVerdict.MalformedName;
import org.postern.smtp.RequireTlsVerdict.NoMatch;
import org.postern.smtp.RequireTlsVerdict.PolicyError;
import org.postern.smtp.RequireTlsVerdict.PolicyItem;
import org.postern.smtp.RequireTlsVerdict.TableMatch;
import org.postern.table.LookupTable.MatchStyle;
import org.postern.table.TableException;
import org.postern.table.TableOpener;
import org.postern.util.Idna;

class RequireTlsPolicyTest {
  private static final String PARAM = "smtp_requiretls_policy";

  /** The Postfix 3.11 default, with $mydomain = example.com already expanded. */
  private static final String DEFAULT_POLICY =
      """
      inline:{ { example.com = opportunistic }
               { .example.com = opportunistic }
               { localhost = opportunistic } }
      cidr:{ { 0.0.0.0/0 opportunistic } { ::/0 opportunistic } }
      enforce
      """;

  private final Map<String, FakeTable> tables = new HashMap<>();

  /** Opens the fake registered under a spec, or fails as a missing file would. */
  private final TableOpener opener =
      spec -> {
        FakeTable t = tables.get(spec);
        if (t == null) {
          throw new TableException(spec + ": no such table");
        }
        return t;
      };

  private FakeTable add(FakeTable table) {
    tables.put(table.spec(), table);
    return table;
  }

  private RequireTlsVerdict evaluate(String policy, String nexthop) {
    return RequireTlsPolicy.parse(PARAM, policy, opener).evaluate(nexthop);
  }

  private static Chosen chosen(RequireTlsVerdict v) {
    assertThat(v).isInstanceOf(Chosen.class);
    return (Chosen) v;
  }

  @Test
  void evaluate_firstActionWord_wins() {
    FakeTable t = add(FakeTable.fixed("hash:/x", Map.of("example.com", "enforce")));

    RequireTlsVerdict v = evaluate("opportunistic hash:/x enforce", "example.com");

    assertThat(v)
        .isEqualTo(
            new Chosen(RequireTlsAction.OPPORTUNISTIC, new PolicyItem("opportunistic")));
    assertThat(t.queries()).isEmpty();
  }

  @Test
  void evaluate_actionAfterSilentTable_wins() {
    add(FakeTable.fixed("hash:/x", Map.of()));

    assertThat(evaluate("hash:/x, disable", "example.com").describe())
        .isEqualTo("disable (policy item: disable)");
  }

  @Test
  void evaluate_firstAnsweringTable_wins() {
    FakeTable silent = add(FakeTable.fixed("hash:/silent", Map.of()));
    add(FakeTable.fixed("hash:/first", Map.of("example.com", "opportunistic+starttls")));
    FakeTable second = add(FakeTable.fixed("hash:/second", Map.of("example.com", "disable")));

    RequireTlsVerdict v = evaluate("hash:/silent hash:/first hash:/second", "example.com");

    assertThat(v)
        .isEqualTo(
            new Chosen(
                RequireTlsAction.OPPORTUNISTIC_STARTTLS,
                new TableMatch("hash:/first", "example.com")));
    assertThat(silent.queries()).containsExactly("example.com", ".com");
    assertThat(second.queries()).isEmpty();
  }

  @Test
  void evaluate_fixedTable_asksParentDomainsInOrder() {
    FakeTable t = add(FakeTable.fixed("lmdb:/x", Map.of(".example", "opportunistic")));

    RequireTlsVerdict v = evaluate("lmdb:/x", "a.b.example");

    assertThat(t.queries()).containsExactly("a.b.example", ".b.example", ".example");
    assertThat(v.describe()).isEqualTo("opportunistic (lmdb:/x: .example)");
  }

  @Test
  void evaluate_fixedTableWithoutMatch_stopsAfterTopLevelDomain() {
    FakeTable t = add(FakeTable.fixed("lmdb:/x", Map.of()));

    evaluate("lmdb:/x", "a.b.example");

    assertThat(t.queries()).containsExactly("a.b.example", ".b.example", ".example");
  }

  @Test
  void evaluate_patternTable_asksNameOnce() {
    FakeTable t = add(FakeTable.pattern("regexp:/x", key -> Optional.empty()));

    RequireTlsVerdict v = evaluate("regexp:/x", "a.b.example");

    assertThat(t.queries()).containsExactly("a.b.example");
    assertThat(v).isEqualTo(new Chosen(RequireTlsAction.ENFORCE, new NoMatch()));
  }

  @Test
  void evaluate_ipv4AddressWithFixedTable_isNeverSplit() {
    FakeTable t = add(FakeTable.fixed("hash:/x", Map.of(".0.0.1", "disable", ".1", "disable")));

    RequireTlsVerdict v = evaluate("hash:/x", "[127.0.0.1]:25");

    assertThat(t.queries()).containsExactly("127.0.0.1");
    assertThat(chosen(v).action()).isEqualTo(RequireTlsAction.ENFORCE);
  }

  @Test
  void evaluate_ipv4MappedIpv6WithFixedTable_isNeverSplit() {
    FakeTable t = add(FakeTable.fixed("hash:/x", Map.of()));

    evaluate("hash:/x", "[ipv6:::ffff:192.0.2.1]");

    assertThat(t.queries()).containsExactly("::ffff:192.0.2.1");
  }

  @Test
  void evaluate_bracketsPortAndService_areStripped() {
    FakeTable t = add(FakeTable.pattern("pcre:/x", key -> Optional.empty()));
    RequireTlsPolicy policy = RequireTlsPolicy.parse(PARAM, "pcre:/x", opener);

    for (String nexthop :
        List.of(
            "[mail.example.com]:587",
            "[mail.example.com]",
            "mail.example.com:smtp",
            "mail.example.com:25",
            "[ipv6:2001:db8::1]:25",
            "[IPv6:2001:db8::1]",
            "[2001:db8::1]",
            "[2001:db8::1]:submission",
            "2001:db8::1")) {
      policy.evaluate(nexthop);
    }

    assertThat(t.queries())
        .containsExactly(
            "mail.example.com",
            "mail.example.com",
            "mail.example.com",
            "mail.example.com",
            "2001:db8::1",
            "2001:db8::1",
            "2001:db8::1",
            "2001:db8::1",
            "2001:db8::1");
  }

  @Test
  void evaluate_uLabelNextHop_isLookedUpAsALabel() {
    FakeTable t =
        add(FakeTable.fixed("hash:/x", Map.of(".xn--bcher-kva.example", "opportunistic")));

    RequireTlsVerdict v = evaluate("hash:/x", "[mx.bücher.example]:25");

    assertThat(t.queries()).containsExactly("mx.xn--bcher-kva.example", ".xn--bcher-kva.example");
    assertThat(v.describe()).isEqualTo("opportunistic (hash:/x: .xn--bcher-kva.example)");
  }

  @Test
  void evaluate_malformedNonAsciiName_getsEnforceWithoutLookup() {
    String malformed = "b\u00fccher..example";
    assertThat(Idna.toAscii(malformed)).isEmpty();
    FakeTable t = add(FakeTable.fixed("hash:/x", Map.of()));

    RequireTlsVerdict v = evaluate("hash:/x opportunistic", malformed);

    assertThat(v).isEqualTo(new Chosen(RequireTlsAction.ENFORCE, new MalformedName()));
    assertThat(v.describe()).isEqualTo("enforce (default: malformed next-hop name)");
    assertThat(t.queries()).isEmpty();
  }

  @Test
  void evaluate_malformedNameAfterActionWord_actionWins() {
    assertThat(chosen(evaluate("disable", "b\u00fccher..example")).action())
        .isEqualTo(RequireTlsAction.DISABLE);
  }

  @Test
  void evaluate_unknownPolicyWord_isError() {
    RequireTlsVerdict v = evaluate("enfroce", "example.com");

    assertThat(v).isInstanceOf(PolicyError.class);
    assertThat(v.describe())
        .isEqualTo("error (smtp_requiretls_policy: unknown policy action: \"enfroce\")");
  }

  @Test
  void evaluate_unknownWordBeyondFirstAction_isNotReached() {
    assertThat(chosen(evaluate("opportunistic bogus", "example.com")).action())
        .isEqualTo(RequireTlsAction.OPPORTUNISTIC);
  }

  @Test
  void evaluate_unknownWordInTableAnswer_isError() {
    add(FakeTable.fixed("hash:/x", Map.of("example.com", "yes")));

    RequireTlsVerdict v = evaluate("hash:/x enforce", "example.com");

    assertThat(v).isInstanceOf(PolicyError.class);
    assertThat(((PolicyError) v).reason()).contains("hash:/x", "\"yes\"");
  }

  @Test
  void evaluate_emptyTableAnswer_isError() {
    add(FakeTable.fixed("hash:/x", Map.of("example.com", "")));

    assertThat(evaluate("hash:/x enforce", "example.com")).isInstanceOf(PolicyError.class);
  }

  @Test
  void evaluate_tableAnswerThatIsATable_isError() {
    add(FakeTable.fixed("hash:/x", Map.of("example.com", "hash:/other")));

    RequireTlsVerdict v = evaluate("hash:/x opportunistic", "example.com");

    assertThat(v).isInstanceOf(PolicyError.class);
    assertThat(((PolicyError) v).reason()).contains("nested lookup result \"hash:/other\"");
  }

  @Test
  void evaluate_tableAnswerThatIsAList_isError() {
    add(FakeTable.fixed("hash:/space", Map.of("example.com", "opportunistic enforce")));
    add(FakeTable.fixed("hash:/comma", Map.of("example.com", "opportunistic,enforce")));

    RequireTlsVerdict space = evaluate("hash:/space opportunistic", "example.com");
    RequireTlsVerdict comma = evaluate("hash:/comma opportunistic", "example.com");

    assertThat(space).isInstanceOf(PolicyError.class);
    assertThat(comma).isInstanceOf(PolicyError.class);
    assertThat(((PolicyError) space).reason()).contains("composite lookup result");
  }

  @Test
  void evaluate_tableLookupError_isErrorNotNoMatch() {
    add(FakeTable.failing("socketmap:inet:127.0.0.1:9999:x", MatchStyle.PATTERN));

    RequireTlsVerdict v = evaluate("socketmap:inet:127.0.0.1:9999:x opportunistic", "example.com");

    assertThat(v).isInstanceOf(PolicyError.class);
    assertThat(((PolicyError) v).reason())
        .startsWith("smtp_requiretls_policy: socketmap:inet:127.0.0.1:9999:x: table lookup error")
        .contains("connection refused");
  }

  @Test
  void evaluate_lookupErrorOnParentDomain_isError() {
    add(FakeTable.failing("hash:/x", MatchStyle.FIXED));

    assertThat(evaluate("hash:/x disable", "a.example.com")).isInstanceOf(PolicyError.class);
  }

  @Test
  void evaluate_tableThatCannotBeOpened_isError() {
    RequireTlsVerdict v = evaluate("lmdb:/missing opportunistic", "example.com");

    assertThat(v).isInstanceOf(PolicyError.class);
    assertThat(((PolicyError) v).reason()).contains("cannot open table lmdb:/missing");
  }

  @Test
  void evaluate_unbalancedBraces_isError() {
    assertThat(evaluate("inline:{ {a = b} opportunistic", "example.com"))
        .isInstanceOf(PolicyError.class);
  }

  @Test
  void evaluate_noMatch_isEnforce() {
    add(FakeTable.fixed("hash:/x", Map.of("other.example", "disable")));

    RequireTlsVerdict v = evaluate("hash:/x", "example.com");

    assertThat(v).isEqualTo(new Chosen(RequireTlsAction.ENFORCE, new NoMatch()));
    assertThat(v.describe()).isEqualTo("enforce (default: no match)");
  }

  @Test
  void evaluate_emptyPolicy_isEnforce() {
    assertThat(evaluate("", "example.com"))
        .isEqualTo(new Chosen(RequireTlsAction.ENFORCE, new NoMatch()));
  }

  @Test
  void evaluate_actionWordsInAnyCase_areAccepted() {
    add(FakeTable.fixed("hash:/x", Map.of("example.com", "DisAble")));

    assertThat(chosen(evaluate("OPPORTUNISTIC+StartTLS", "example.com")).action())
        .isEqualTo(RequireTlsAction.OPPORTUNISTIC_STARTTLS);
    assertThat(chosen(evaluate("hash:/x", "example.com")).action())
        .isEqualTo(RequireTlsAction.DISABLE);
  }

  @Test
  void evaluate_inlineTableSpec_isShortenedInSource() {
    String spec = "inline:{ { example.com = opportunistic } }";
    add(FakeInlineTable.of(spec));

    assertThat(evaluate(spec + " enforce", "example.com").describe())
        .isEqualTo("opportunistic (inline:{...}: example.com)");
  }

  private RequireTlsPolicy defaultPolicy() {
    List<String> items = org.postern.util.ParameterList.split(DEFAULT_POLICY);
    add(FakeInlineTable.of(items.get(0)));
    add(FakeTable.pattern(items.get(1), FakeCidr::anyAddress));
    return RequireTlsPolicy.parse(PARAM, DEFAULT_POLICY, opener);
  }

  @Test
  void defaultPolicy_remoteDomain_isEnforce() {
    assertThat(defaultPolicy().evaluate("mail.example.net").describe())
        .isEqualTo("enforce (policy item: enforce)");
  }

  @Test
  void defaultPolicy_ipLiterals_areOpportunistic() {
    RequireTlsPolicy policy = defaultPolicy();

    assertThat(policy.evaluate("[127.0.0.1]:10025").describe())
        .isEqualTo("opportunistic (cidr:{...}: 127.0.0.1)");
    assertThat(policy.evaluate("[ipv6:::1]:10025").describe())
        .isEqualTo("opportunistic (cidr:{...}: ::1)");
  }

  @Test
  void defaultPolicy_localNames_areOpportunistic() {
    RequireTlsPolicy policy = defaultPolicy();

    assertThat(policy.evaluate("localhost").describe())
        .isEqualTo("opportunistic (inline:{...}: localhost)");
    assertThat(policy.evaluate("example.com").describe())
        .isEqualTo("opportunistic (inline:{...}: example.com)");
    assertThat(policy.evaluate("[sub.example.com]:25").describe())
        .isEqualTo("opportunistic (inline:{...}: .example.com)");
  }

  @Test
  void defaultPolicy_lookalikeDomain_isEnforce() {
    assertThat(chosen(defaultPolicy().evaluate("notexample.com")).action())
        .isEqualTo(RequireTlsAction.ENFORCE);
  }

  @Test
  void close_closesEveryOpenedTable() {
    FakeTable a = add(FakeTable.fixed("hash:/a", Map.of()));
    FakeTable b = add(FakeTable.fixed("hash:/b", Map.of()));

    RequireTlsPolicy.parse(PARAM, "hash:/a enforce hash:/b", opener).close();

    assertThat(a.closed()).isTrue();
    assertThat(b.closed()).isTrue();
  }

  @Test
  void lmtpNextHop_unixSocket_isMyhostname() {
    assertThat(RequireTlsPolicy.lmtpNextHop("unix:/run/dovecot/lmtp", "mx.example.com"))
        .isEqualTo("mx.example.com");
    assertThat(RequireTlsPolicy.lmtpNextHop("inet:[10.0.0.2]:24", "mx.example.com"))
        .isEqualTo("[10.0.0.2]:24");
    assertThat(RequireTlsPolicy.lmtpNextHop("store.example.com:24", "mx.example.com"))
        .isEqualTo("store.example.com:24");
  }

  @Test
  void lmtpNextHop_unixSocketWithDefaultPolicyText_usesLocalName() {
    RequireTlsPolicy policy = defaultPolicy();

    String name = RequireTlsPolicy.lmtpNextHop("unix:private/dovecot-lmtp", "mx.example.com");

    assertThat(policy.evaluate(name).describe())
        .isEqualTo("opportunistic (inline:{...}: .example.com)");
  }
}
