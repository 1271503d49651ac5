package org.postern.table.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.table.TableException;

class LdapResultsTest {
  private static final String ALICE = "uid=alice,dc=test";
  private static final String BOB = "uid=bob,dc=test";
  private static final Map<String, SearchResultEntry> DIRECTORY = Map.of(
      ALICE, entry(ALICE, new Attribute("mail", "alice@test"),
          new Attribute("maildrop", "alice@box.test")),
      BOB, entry(BOB, new Attribute("mail;lang-en", "bob@test")),
      "cn=inner,dc=test", entry("cn=inner,dc=test", new Attribute("member", "cn=loop,dc=test")),
      "cn=loop,dc=test", entry("cn=loop,dc=test", new Attribute("member", "cn=inner,dc=test")));

  private final List<String> searches = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private static SearchResultEntry entry(String dn, Attribute... attributes) {
    return new SearchResultEntry(dn, attributes);
  }

  private List<SearchResultEntry> search(String base, SearchScope scope, String filter,
      List<String> attrs) throws LDAPException {
    searches.add(base + " " + scope.getName() + " " + filter + " " + attrs);
    SearchResultEntry e = DIRECTORY.get(base);
    if (e == null) {
      throw new LDAPException(ResultCode.NO_SUCH_OBJECT, "no such object");
    }
    return List.of(e);
  }

  private List<String> collect(String terminal, String leaf, String result, String special,
      int recursionLimit, int sizeLimit, SearchResultEntry... found) throws TableException {
    LdapResults r = new LdapResults("ldap:test.cf", new LdapResults.Attributes(
        LdapResults.Attributes.split(terminal), LdapResults.Attributes.split(leaf),
        LdapResults.Attributes.split(result), LdapResults.Attributes.split(special)),
        recursionLimit, sizeLimit, this::search, warnings::add);
    List<String> values = new ArrayList<>();
    r.collect(List.of(found), values::add);
    return values;
  }

  @Test
  void collect_resultAttribute_everyValueOfEveryEntry() throws Exception {
    assertThat(collect("", "", "mail", "", 1000, 0,
        entry("cn=x", new Attribute("mail", "a@test", "b@test"), new Attribute("cn", "x")),
        entry("cn=y", new Attribute("MAIL", "c@test"))))
        .containsExactly("a@test", "b@test", "c@test");
    assertThat(searches).isEmpty();
  }

  @Test
  void collect_specialDn_searchedAsBaseWithTheSameAttributes() throws Exception {
    assertThat(collect("", "", "mail", "member", 1000, 0,
        entry("cn=staff", new Attribute("member", ALICE, BOB))))
        .containsExactly("alice@test", "bob@test");
    assertThat(searches).containsExactly(ALICE + " BASE (objectclass=*) [mail, member]",
        BOB + " BASE (objectclass=*) [mail, member]");
  }

  @Test
  void collect_leafAttribute_onlyFromEntriesThatAreNotExpanded() throws Exception {
    assertThat(collect("", "mail", "", "member", 1000, 0,
        entry("cn=staff", new Attribute("mail", "staff@test"), new Attribute("member", ALICE))))
        .containsExactly("alice@test");
    assertThat(collect("", "mail", "", "member", 1000, 0,
        entry("cn=solo", new Attribute("mail", "solo@test"))))
        .containsExactly("solo@test");
  }

  @Test
  void collect_terminalAttribute_onlyItAndNoRecursion() throws Exception {
    assertThat(collect("maildrop", "", "mail", "member", 1000, 0,
        entry("cn=staff", new Attribute("mail", "staff@test"),
            new Attribute("maildrop", "staff@lists.test"), new Attribute("member", ALICE))))
        .containsExactly("staff@lists.test");
    assertThat(searches).isEmpty();
  }

  @Test
  void collect_ldapUrl_searchesItsBaseScopeFilterAndCommonAttributes() throws Exception {
    assertThat(collect("", "", "mail", "member", 1000, 0,
        entry("cn=dyn", new Attribute("member",
            "ldap:///" + ALICE + "?mail,telephoneNumber?base?(objectclass=person)"))))
        .containsExactly("alice@test");
    assertThat(searches).containsExactly(ALICE + " BASE (objectclass=person) [mail]");
  }

  @Test
  void collect_missingDn_skippedWithAWarning() throws Exception {
    assertThat(collect("", "", "mail", "member", 1000, 0,
        entry("cn=staff", new Attribute("member", "uid=gone,dc=test", BOB))))
        .containsExactly("bob@test");
    assertThat(warnings).containsExactly("ldap:test.cf: DN uid=gone,dc=test not found, skipping");
  }

  @Test
  void collect_loopOrTooManyEntries_temporaryFailure() {
    assertThatThrownBy(() -> collect("", "", "mail", "member", 5, 0,
        entry("cn=top", new Attribute("member", "cn=inner,dc=test"))))
        .isInstanceOf(TableException.class).hasMessageContaining("Recursion limit exceeded");
    assertThatThrownBy(() -> collect("", "", "mail", "", 1000, 1,
        entry("cn=x", new Attribute("mail", "a@test")), entry("cn=y")))
        .isInstanceOf(TableException.class).hasMessageContaining("Query size limit (1) exceeded");
  }

  @Test
  void subtype_optionsAndCase() {
    assertThat(LdapResults.subtype("mail", "Mail;lang-en")).isEqualTo(1);
    assertThat(LdapResults.subtype("mail;lang-en", "mail")).isEqualTo(-1);
    assertThat(LdapResults.subtype("mail", "mailhost")).isZero();
  }
}
