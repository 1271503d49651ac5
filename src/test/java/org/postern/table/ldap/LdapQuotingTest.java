package org.postern.table.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LdapQuotingTest {
  @Test
  void filterValue_metacharacters_escapedAsRfc4515() {
    assertThat(LdapQuoting.filterValue("*)(uid=*"))
        .isEqualTo("\\2A\\29\\28uid=\\2A");
    assertThat(LdapQuoting.filterValue("a\\b\0c")).isEqualTo("a\\5Cb\\00c");
  }

  @Test
  void filterValue_plainAndUtf8_unchanged() {
    assertThat(LdapQuoting.filterValue("jörg+tag@example.com"))
        .isEqualTo("jörg+tag@example.com");
  }

  @Test
  void dnValue_separatorsAndBlanks_escapedEverywhere() {
    assertThat(LdapQuoting.dnValue("a b,c=d+e;#\"<>\\"))
        .isEqualTo("a\\20b\\2Cc=d\\2Be\\3B\\23\\22\\3C\\3E\\5C");
  }
}
