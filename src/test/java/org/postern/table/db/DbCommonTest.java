package org.postern.table.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.TableException;
import org.postern.table.Tables;

class DbCommonTest {
  private static final Set<String> KNOWN = Set.of("query", "result_format", "domain",
      "expansion_limit", "table", "select_field", "where_field", "additional_conditions");
  private static final Quoter SQL = text -> text.replace("'", "''");

  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private DbCommon common(String cfText) throws Exception {
    DbConfigFile cf = DbConfigFile.read(Files.writeString(dir.resolve("t.cf"), cfText), KNOWN,
        warnings::add);
    return DbCommon.parse("pgsql:t.cf", cf, DbCommon.sqlQuery(cf), Tables::open, warnings::add);
  }

  private Optional<String> query(String cfText, String key) throws Exception {
    return common(cfText).query(key, SQL);
  }

  @Test
  void query_everyKeyEscape_isQuoted() throws Exception {
    String cf = "query = s=%s u=%u d=%d S=%S U=%U D=%D 1=%1 2=%2 pct=%%\n";

    assertThat(query(cf, "o'neil@mail.example.com")).contains(
        "s=o''neil@mail.example.com u=o''neil d=mail.example.com S=o''neil@mail.example.com"
            + " U=o''neil D=mail.example.com 1=com 2=example pct=%");
  }

  @Test
  void query_percentU_withoutDomain_isTheWholeKey() throws Exception {
    assertThat(query("query = SELECT x WHERE u='%u'\n", "postmaster"))
        .contains("SELECT x WHERE u='postmaster'");
  }

  @Test
  void query_keyLackingWhatTheTemplateNeeds_isNotQueried() throws Exception {
    assertThat(query("query = %d\n", "postmaster")).isEmpty();
    assertThat(query("query = %d\n", "user@")).isEmpty();
    assertThat(query("query = %u\n", "@example.com")).isEmpty();
    assertThat(query("query = %3\n", "user@example.com")).isEmpty();
    assertThat(query("query = %s\n", "@example.com")).contains("@example.com");
  }

  @Test
  void query_resultFormatNeedingKeyDomain_keepsDomainlessKeysFromTheQuery() throws Exception {
    assertThat(query("query = %s\nresult_format = %s@%D\n", "postmaster")).isEmpty();
  }

  @Test
  void query_emptyKey_isNotQueriedAndWarns() throws Exception {
    assertThat(query("query = %s\n", "")).isEmpty();
    assertThat(warnings).containsExactly("table \"pgsql:t.cf\": empty query string -- ignored");
  }

  @Test
  void parse_unknownEscapeOrTrailingPercent_failsNamingParameter() {
    assertThatThrownBy(() -> common("query = SELECT %x\n"))
        .isInstanceOf(TableException.class)
        .hasMessageContaining("line 1: parameter query: invalid query template: \"SELECT %x\"");
    assertThatThrownBy(() -> common("query = %s\nresult_format = 100%\n"))
        .hasMessageContaining("line 2: parameter result_format: invalid result template");
  }

  @Test
  void parse_queryTemplateNamedOtherwise_errorNamesThatParameter() throws Exception {
    DbConfigFile cf = DbConfigFile.read(Files.writeString(dir.resolve("l.cf"),
        "query_filter = (mail=%z)\n"), Set.of("query_filter"), warnings::add);

    assertThatThrownBy(() -> DbCommon.parse("ldap:l.cf", cf, "query_filter", "(mail=%z)",
        Tables::open, warnings::add))
        .hasMessageContaining("line 1: parameter query_filter: invalid query template");
  }

  @Test
  void sqlQuery_legacyFields_buildPostfixsQuery() throws Exception {
    DbConfigFile cf = DbConfigFile.read(Files.writeString(dir.resolve("l.cf"), """
        table = mxaliases
        select_field = forw_addr
        where_field = alias
        additional_conditions = and status = 'paid'
        """), KNOWN, warnings::add);

    assertThat(DbCommon.sqlQuery(cf))
        .isEqualTo("SELECT forw_addr FROM mxaliases WHERE alias='%s' and status = 'paid'");
  }

  @Test
  void sqlQuery_legacyWithoutTable_failsNamingIt() throws Exception {
    DbConfigFile cf = DbConfigFile.read(Files.writeString(dir.resolve("l.cf"),
        "select_field = a\n"), KNOWN, warnings::add);

    assertThatThrownBy(() -> DbCommon.sqlQuery(cf)).hasMessageEndingWith("parameter table: not set");
  }

  @Test
  void results_joinedWithCommas_nullsSkipped_resultsNotQuoted() throws Exception {
    DbCommon common = common("query = %s\nresult_format = smtp:[%s]\n");
    DbCommon.Results results = common.results("a@example.com");
    results.add("o'relay");
    results.add(null);
    results.add("b");

    assertThat(results.value()).contains("smtp:[o'relay],smtp:[b]");
  }

  @Test
  void results_keyAndValueEscapes() throws Exception {
    DbCommon common = common("query = %s\nresult_format = %u+%U@%d/%D/%S/%1\n");
    DbCommon.Results results = common.results("key@example.org");
    results.add("val@example.net");

    assertThat(results.value()).contains("val+key@example.net/example.org/key@example.org/org");
  }

  @Test
  void results_valueLackingResultDomain_isSkipped_emptyValueWarns() throws Exception {
    DbCommon common = common("query = %s\nresult_format = %d\n");
    DbCommon.Results results = common.results("k");
    results.add("nodomain");
    results.add("");

    assertThat(results.value()).isEmpty();
    assertThat(warnings)
        .containsExactly("table \"pgsql:t.cf\": empty lookup result for: \"k\" -- ignored");
  }

  @Test
  void results_overExpansionLimit_isALookupError() throws Exception {
    DbCommon common = common("query = %s\nexpansion_limit = 2\n");
    DbCommon.Results results = common.results("k");
    results.add("a");
    results.add("b");

    assertThatThrownBy(() -> results.add("c"))
        .isInstanceOf(TableException.class)
        .hasMessage("pgsql:t.cf: Expansion limit exceeded for key: 'k'");
  }

  @Test
  void queried_domainList_limitsToAddressesInListedDomains() throws Exception {
    Files.writeString(dir.resolve("more"), "example.net\n");
    DbCommon common = common("query = %s\ndomain = example.com, !sub.example.org, "
        + dir.resolve("more") + ", inline:{example.org=1}\n");

    assertThat(common.queried("a@EXAMPLE.com")).isTrue();
    assertThat(common.queried("a@example.net")).isTrue();
    assertThat(common.queried("a@example.org")).isTrue();
    assertThat(common.queried("a@sub.example.com")).isFalse();
    assertThat(common.queried("a@sub.example.org")).isFalse();
    assertThat(common.queried("example.com")).isFalse();
    assertThat(common.queried("@example.com")).isFalse();
  }

  @Test
  void queried_withoutDomainList_everyKey() throws Exception {
    assertThat(common("query = %s\n").queried("anything")).isTrue();
  }
}
