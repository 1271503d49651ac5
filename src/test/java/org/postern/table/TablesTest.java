package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesTest {
  @TempDir Path dir;

  @Test
  void supportedTypes_listsEveryType_sorted() {
    assertThat(Tables.supportedTypes())
        .containsExactly(
            "cdb", "cidr", "inline", "ldap", "lmdb", "memcache", "mysql", "pcre", "pgsql",
            "regexp", "socketmap",
            "static", "tcp", "texthash");
  }

  @Test
  void open_unknownType_throwsNamingType() {
    assertThatThrownBy(() -> Tables.open("mongodb:/etc/postfix/mongodb-aliases.cf"))
        .isInstanceOf(TableException.class)
        .hasMessageStartingWith(
            "unsupported dictionary type: mongodb: no mongodb client in this build");
  }

  @Test
  void open_postfixBerkeleyDbTypes_nameTheLmdbFix() {
    assertThatThrownBy(() -> Tables.open("hash:/etc/aliases"))
        .isInstanceOf(TableException.class)
        .hasMessage("unsupported dictionary type: hash: Postern does not read Berkeley DB files;"
            + " rebuild with \"postmap lmdb:/etc/aliases\" (\"postalias lmdb:/etc/aliases\" for an"
            + " aliases file), use lmdb:/etc/aliases in its place, and set default_database_type ="
            + " lmdb so postmap and newaliases build lmdb");
    assertThatThrownBy(() -> Tables.open("proxy:btree:/etc/postfix/virtual"))
        .hasMessageStartingWith("unsupported dictionary type: btree: Postern does not read"
            + " Berkeley DB files; rebuild with \"postmap lmdb:/etc/postfix/virtual\"");
  }

  @Test
  void open_withoutType_throws() {
    assertThatThrownBy(() -> Tables.open("/etc/aliases"))
        .isInstanceOf(TableException.class)
        .hasMessageContaining("need type:name");
  }

  @Test
  void inline_keyFoldedAndBracedValue_found() throws Exception {
    LookupTable t = Tables.open("inline:{ key=value, { Example.COM = value with spaces } }");
    assertThat(t.find("KEY")).contains("value");
    assertThat(t.find("example.com")).contains("value with spaces");
    assertThat(t.find("other")).isEmpty();
    assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.FIXED);
  }

  @Test
  void inline_itemWithoutEquals_throws() {
    assertThatThrownBy(() -> Tables.open("inline:{ k }"))
        .isInstanceOf(TableException.class)
        .hasMessageContaining("missing '=' after attribute name");
  }

  @Test
  void static_answersEveryKey() throws Exception {
    assertThat(Tables.open("static:smtp:[relay]").find("anything")).contains("smtp:[relay]");
    assertThat(Tables.open("static:{ value with spaces }").find("x")).contains("value with spaces");
  }

  @Test
  void texthash_continuationCommentsAndFolding_found() throws Exception {
    Path file =
        SourceFiles.write(
            dir,
            "transport",
            "# comment\nExample.com  smtp:[a]\n   # indented comment\nfoo bar\n  baz\n");
    LookupTable t = Tables.open("texthash:" + file);
    assertThat(t.find("EXAMPLE.COM")).contains("smtp:[a]");
    assertThat(t.find("foo")).contains("bar  baz");
    assertThat(t.find("bar")).isEmpty();
  }

  @Test
  void texthash_duplicateKey_firstWinsWithWarning() throws Exception {
    Path file = SourceFiles.write(dir, "t", "a 1\nA 2\n");
    List<String> warnings = new ArrayList<>();
    LookupTable t = Tables.open("texthash:" + file, warnings::add);
    assertThat(t.find("a")).contains("1");
    assertThat(warnings).containsExactly(file + ", line 2: duplicate entry: \"a\"");
  }

  @Test
  void texthash_lineWithoutValue_throwsWithFileAndLine() throws Exception {
    Path file = SourceFiles.write(dir, "t", "a 1\n\nnovalue\n");
    assertThatThrownBy(() -> Tables.open("texthash:" + file))
        .isInstanceOf(TableException.class)
        .hasMessage(file + ", line 3: expected format: key whitespace value");
  }

  @Test
  void texthash_quotedKeyWithSpace_keptWithQuotes() throws Exception {
    Path file = SourceFiles.write(dir, "t", "\"with space\"@example.com  ok\n");
    assertThat(Tables.open("texthash:" + file).find("\"with space\"@example.com")).contains("ok");
  }

  @Test
  void open_missingFile_throwsNamingFile() {
    Path missing = dir.resolve("missing");
    for (String type : List.of("texthash", "cidr", "regexp", "pcre")) {
      assertThatThrownBy(() -> Tables.open(type + ":" + missing))
          .isInstanceOf(TableException.class)
          .hasMessage("open " + missing + ": No such file or directory");
    }
    assertThatThrownBy(() -> Tables.open("lmdb:" + missing))
        .hasMessage("open database " + missing + ".lmdb: No such file or directory");
    assertThatThrownBy(() -> Tables.open("cdb:" + missing))
        .hasMessage("open database " + missing + ".cdb: No such file or directory");
  }

  @Test
  void entries_onPatternTable_throwsSequenceNotSupported() throws Exception {
    LookupTable t = Tables.open("cidr:{ {10.0.0.0/8 x} }");
    assertThatThrownBy(t::entries).hasMessageContaining("sequence operation is not supported");
  }
}
