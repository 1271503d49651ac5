package org.postern.table.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;

class LdapTableTest {
  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private String cf(String... lines) throws Exception {
    Path file = dir.resolve("ldap.cf");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return "ldap:" + file;
  }

  @Test
  void open_saslBindOrUnknownBind_refused() throws Exception {
    assertThatThrownBy(() -> Tables.open(cf("bind = sasl"), warnings::add))
        .isInstanceOf(TableException.class).hasMessageContaining("bind = sasl is not supported");
    assertThatThrownBy(() -> Tables.open(cf("bind = maybe"), warnings::add))
        .isInstanceOf(TableException.class)
        .hasMessageContaining("unsupported parameter value: bind = maybe");
  }

  @Test
  void open_doubtfulSettings_warnedLikePostfix() throws Exception {
    String spec = cf("scope = deep", "dereference = 7", "query_filter = (uid=fixed)", "cache = yes",
        "qeury_filter = (mail=%s)");
    try (LookupTable t = Tables.open(spec, warnings::add)) {
      assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.FIXED);
    }
    assertThat(warnings).anyMatch(w -> w.contains("unknown parameter name: \"qeury_filter\""))
        .contains(spec + ": Unrecognized value deep specified for scope; using sub",
            spec + " Unrecognized value 7 specified for dereference; using 0",
            spec + ": Fixed query_filter (uid=fixed) is probably useless",
            spec + " ignoring cache");
  }

  @Test
  void find_keyPartsInTheFilter_patternStyle_andNoServerNeededToSkip() throws Exception {
    String spec = cf("server_host = ldap://127.0.104.1:1", "query_filter = (uid=%u)",
        "domain = example.com");
    try (LookupTable t = Tables.open(spec, warnings::add)) {
      assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.PATTERN);
      assertThat(t.find("joe@example.net")).isEmpty();
      assertThatThrownBy(() -> t.find("joe@example.com")).isInstanceOf(TableException.class)
          .hasMessageStartingWith("table " + spec + ": ");
    }
  }

  @Test
  void open_missingFile_isAnError() {
    assertThatThrownBy(() -> Tables.open("ldap:" + dir.resolve("missing.cf"), warnings::add))
        .isInstanceOf(TableException.class).hasMessageContaining("missing.cf");
  }
}
