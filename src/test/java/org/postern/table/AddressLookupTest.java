package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressLookupTest {
  private static AddressLookup lookup(String... specs) throws TableException {
    List<LookupTable> tables = new ArrayList<>();
    for (String spec : specs) {
      tables.add(Tables.open(spec));
    }
    return new AddressLookup(tables);
  }

  @Test
  void find_fullAddressThenBareThenDomain() throws Exception {
    AddressLookup l = lookup("inline:{ u+ext@d.example=full, u@d.example=bare, @d.example=domain }");
    assertThat(l.find("u+ext@d.example", "+", false)).hasValue("full");
    assertThat(l.find("u+other@d.example", "+", false)).hasValue("bare");
    assertThat(l.find("v@d.example", "+", false)).hasValue("domain");
    assertThat(l.find("v@e.example", "+", false)).isEmpty();
  }

  @Test
  void find_localPart_onlyForLocalDomains() throws Exception {
    AddressLookup l = lookup("inline:{ alice=known }");
    assertThat(l.find("alice@d.example", "", true)).hasValue("known");
    assertThat(l.find("alice@d.example", "", false)).isEmpty();
  }

  @Test
  void find_eachKeyAskedOfEveryTableBeforeTheNextKey() throws Exception {
    AddressLookup l = lookup("inline:{ @d.example=first-table }", "inline:{ u@d.example=second-table }");
    assertThat(l.find("u@d.example", "", false)).hasValue("second-table");
  }

  @Test
  void find_patternTable_seesOnlyTheFullAddress() throws Exception {
    AddressLookup l = lookup("regexp:{ {/^@d\\.example$/ domain-key}, {/^u@/ full} }");
    assertThat(l.find("u@d.example", "", false)).hasValue("full");
    assertThat(l.find("v@d.example", "", false)).isEmpty();
  }

  @Test
  void find_tableThatCannotAnswer_isTableException() {
    LookupTable broken = new LookupTable() {
      @Override
      public String spec() {
        return "tcp:127.0.80.1:9";
      }

      @Override
      public MatchStyle matchStyle() {
        return MatchStyle.PATTERN;
      }

      @Override
      public Optional<String> find(String key) throws TableException {
        throw new TableException("tcp:127.0.80.1:9: connection refused");
      }
    };
    assertThatThrownBy(() -> new AddressLookup(List.of(broken)).find("u@d.example", "", false))
        .isInstanceOf(TableException.class);
  }
}
