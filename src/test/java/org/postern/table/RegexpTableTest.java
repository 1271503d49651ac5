package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegexpTableTest {
  @TempDir Path dir;

  @Test
  void regexp_caseInsensitiveByDefault_iFlagToggles() throws Exception {
    LookupTable t = Tables.open("regexp:{ {/^Exact$/i cs}, {/^example\\.com$/ ci} }");
    assertThat(t.find("EXAMPLE.COM")).contains("ci");
    assertThat(t.find("Exact")).contains("cs");
    assertThat(t.find("exact")).isEmpty();
  }

  @Test
  void regexp_substitution_allForms() throws Exception {
    LookupTable t =
        Tables.open("regexp:{ {/^(.*)@(.*)$/ u=$1 d=${2}x $(1)$$ done} }");
    assertThat(t.find("joe@example.com")).contains("u=joe d=example.comx joe$ done");
  }

  @Test
  void regexp_posixBracketsAndClasses_translated() throws Exception {
    LookupTable t = Tables.open("regexp:{ {/^[[:digit:]]+[]a\\]$/ num}, {/^a{2}$/ two} }");
    assertThat(t.find("123]")).contains("num");
    assertThat(t.find("12\\")).contains("num");
    assertThat(t.find("aa")).contains("two");
  }

  @Test
  void regexp_dollarMatchesOnlyAtEnd() throws Exception {
    LookupTable t = Tables.open("regexp:{ {/^abc$/ yes} }");
    assertThat(t.find("abc")).contains("yes");
    assertThat(t.find("abc\n")).isEmpty();
  }

  @Test
  void regexp_basicSyntaxWhenXToggledOff() throws Exception {
    LookupTable t = Tables.open("regexp:{ {/^\\(a\\)+(b)$/x $1}, {/^\\(a\\)\\+b$/x $1} }");
    assertThat(t.find("a+(b)")).contains("a");
    assertThat(t.find("aab")).contains("a");
    assertThat(t.find("aa(b)")).isEmpty();
  }

  @Test
  void regexp_negatedAndIfEndif_followPostfix() throws Exception {
    Path file =
        SourceFiles.write(
            dir,
            "checks",
            "if /@example\\.com$/\n!/^postmaster@/ REJECT not postmaster\nendif\n/./ DUNNO\n");
    LookupTable t = Tables.open("regexp:" + file);
    assertThat(t.find("joe@example.com")).contains("REJECT not postmaster");
    assertThat(t.find("postmaster@example.com")).contains("DUNNO");
    assertThat(t.find("joe@example.org")).contains("DUNNO");
  }

  @Test
  void regexp_otherDelimiterAndEscapedDelimiter() throws Exception {
    LookupTable t = Tables.open("regexp:{ {#^a/b$# slash}, {/^c\\/d$/ escaped} }");
    assertThat(t.find("a/b")).contains("slash");
    assertThat(t.find("c/d")).contains("escaped");
  }

  @Test
  void regexp_badExpression_throwsWithFileAndLine() throws Exception {
    Path file = SourceFiles.write(dir, "bad", "/ok/ fine\n\n/abc(/ x\n");
    assertThatThrownBy(() -> Tables.open("regexp:" + file))
        .isInstanceOf(TableException.class)
        .hasMessageStartingWith("regexp map " + file + ", line 3: ");
  }

  @Test
  void regexp_badRules_throwPostfixMessages() {
    assertThatThrownBy(() -> Tables.open("regexp:{ {/(a)bc/ $2} }"))
        .hasMessageEndingWith("line 1: out of range replacement index \"2\"");
    assertThatThrownBy(() -> Tables.open("regexp:{ {/(a)bc/ $0} }"))
        .hasMessageEndingWith("out of range replacement index \"0\"");
    assertThatThrownBy(() -> Tables.open("regexp:{ {/(a)bc/ $1x} }"))
        .hasMessageEndingWith("non-numeric replacement index \"1x\"");
    assertThatThrownBy(() -> Tables.open("regexp:{ {!/(a)bc/ $1} }"))
        .hasMessageEndingWith("$number found in negative match replacement text");
    assertThatThrownBy(() -> Tables.open("regexp:{ {/a/q x} }"))
        .hasMessageEndingWith("unknown regexp option \"q\"");
    assertThatThrownBy(() -> Tables.open("regexp:{ {/a x} }"))
        .hasMessageEndingWith("no closing regexp delimiter \"/\"");
    assertThatThrownBy(() -> Tables.open("regexp:{ {foo bar} }"))
        .hasMessageContaining("line 1: unrecognized request");
    assertThatThrownBy(() -> Tables.open("regexp:{ {if /a/ x}, {endif} }"))
        .hasMessageContaining("extra text after IF");
  }

  @Test
  void pcre_perlSyntaxAndDefaults() throws Exception {
    LookupTable t =
        Tables.open("pcre:{ {/^(\\d+)\\.(?:example|test)\\z/ n=$1}, {/^A.B$/ dotall} }");
    assertThat(t.find("42.EXAMPLE")).contains("n=42");
    assertThat(t.find("a\nb")).contains("dotall");
  }

  @Test
  void pcre_flags_toggleFromDefaults() throws Exception {
    LookupTable t = Tables.open("pcre:{ {/^a.b$/s nodot}, {/b/A anchored}, {/^x$/E endonly} }");
    assertThat(t.find("a\nb")).isEmpty();
    assertThat(t.find("axb")).contains("nodot");
    assertThat(t.find("bc")).contains("anchored");
    assertThat(t.find("cb")).isEmpty();
    assertThat(t.find("x\n")).isEmpty();
    assertThat(t.find("x")).contains("endonly");
  }

  @Test
  void pcre_caseSensitiveFlag_keyNotFolded() throws Exception {
    LookupTable t = Tables.open("pcre:{ {/^(Joe)$/i $1} }");
    assertThat(t.find("Joe")).contains("Joe");
    assertThat(t.find("joe")).isEmpty();
  }

  @Test
  void pcre_badExpression_throws() {
    assertThatThrownBy(() -> Tables.open("pcre:{ {/ok/ y}, {/(a/ x} }"))
        .isInstanceOf(TableException.class)
        .hasMessageStartingWith("pcre map { {/ok/ y}, {/(a/ x} }, line 2: ");
  }
}
