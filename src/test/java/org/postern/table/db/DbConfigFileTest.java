package org.postern.table.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.TableException;

class DbConfigFileTest {
  private static final Set<String> KNOWN =
      Set.of("hosts", "user", "query", "expansion_limit", "tls_verify_cert");

  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private DbConfigFile read(String text) throws IOException, TableException {
    return DbConfigFile.read(Files.writeString(dir.resolve("t.cf"), text), KNOWN, warnings::add);
  }

  @Test
  void read_commentsBlankLinesAndContinuations_giveOneValueEach() throws Exception {
    DbConfigFile cf = read("""
        # aliases
        hosts = db1.example.com
            db2.example.com

        query = SELECT goto FROM alias
          # a comment inside does not end the value
          WHERE address='%s'
        """);

    assertThat(cf.string("hosts", "")).isEqualTo("db1.example.com    db2.example.com");
    assertThat(cf.string("query", "")).isEqualTo("SELECT goto FROM alias  WHERE address='%s'");
    assertThat(cf.find("user")).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void read_dollarIsKeptAsWritten() throws Exception {
    assertThat(read("user = $myhostname\n").string("user", "")).isEqualTo("$myhostname");
  }

  @Test
  void read_unknownName_warnsNamingItAndLine() throws Exception {
    read("hosts = db\nqeury = SELECT 1\n");

    assertThat(warnings).containsExactly(
        dir.resolve("t.cf") + ", line 2: unknown parameter name: \"qeury\" (ignored)");
  }

  @Test
  void read_nameGivenTwice_keepsLastAndWarns() throws Exception {
    DbConfigFile cf = read("user = a\nuser = b\n");

    assertThat(cf.string("user", "")).isEqualTo("b");
    assertThat(warnings).singleElement().asString().contains("line 2: overriding earlier entry");
  }

  @Test
  void read_lineWithoutEquals_failsNamingFileAndLine() {
    assertThatThrownBy(() -> read("hosts = db\nquery SELECT 1\n"))
        .isInstanceOf(TableException.class)
        .hasMessageStartingWith(dir.resolve("t.cf") + ", line 2: missing '=' after attribute name");
  }

  @Test
  void read_missingFile_failsNamingIt() {
    assertThatThrownBy(() -> DbConfigFile.read(dir.resolve("none.cf"), KNOWN, warnings::add))
        .isInstanceOf(TableException.class)
        .hasMessageContaining("none.cf")
        .hasMessageContaining("No such file or directory");
  }

  @Test
  void integer_notANumber_failsNamingFileLineAndParameter() throws Exception {
    DbConfigFile cf = read("hosts = db\nexpansion_limit = ten\n");

    assertThatThrownBy(() -> cf.integer("expansion_limit", 0, 0, 100))
        .hasMessage(dir.resolve("t.cf")
            + ", line 2: parameter expansion_limit: bad numerical configuration: \"ten\"");
  }

  @Test
  void integer_outOfRange_fails_andDefaultWhenUnset() throws Exception {
    DbConfigFile cf = read("expansion_limit = -1\n");

    assertThatThrownBy(() -> cf.integer("expansion_limit", 0, 0, 100))
        .hasMessageContaining("parameter expansion_limit: value -1 is outside 0..100");
    assertThat(cf.integer("retry_interval", 60, 1, 1000)).isEqualTo(60);
  }

  @Test
  void bool_yesNoAnyCase_andBadValueFails() throws Exception {
    DbConfigFile cf = read("tls_verify_cert = YES\nuser = maybe\n");

    assertThat(cf.bool("tls_verify_cert", false)).isTrue();
    assertThat(cf.bool("hosts", true)).isTrue();
    assertThatThrownBy(() -> cf.bool("user", false))
        .hasMessageContaining("line 2: parameter user: bad boolean configuration: \"maybe\"");
  }

  @Test
  void required_unsetOrEmpty_failsNamingParameter() throws Exception {
    DbConfigFile cf = read("user =\n");

    assertThatThrownBy(() -> cf.required("user")).hasMessageEndingWith("parameter user: not set");
    assertThatThrownBy(() -> cf.required("query")).hasMessageEndingWith("parameter query: not set");
  }
}
