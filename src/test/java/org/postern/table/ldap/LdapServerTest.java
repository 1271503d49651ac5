package org.postern.table.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.postern.table.TableException;

class LdapServerTest {
  @Test
  void parse_urlsAndBareHosts_inOrderWithServerPort() throws Exception {
    assertThat(LdapServer.parse("ldap://a.test:1389/, b.test ldaps://c.test  d.test:7", 3389))
        .containsExactly(new LdapServer(false, "a.test", 1389),
            new LdapServer(false, "b.test", 3389),
            new LdapServer(true, "c.test", 636),
            new LdapServer(false, "d.test", 7));
  }

  @Test
  void parse_ldapiOrBadPort_refused() {
    assertThatThrownBy(() -> LdapServer.parse("ldapi://%2Frun%2Fslapd", 389))
        .isInstanceOf(TableException.class).hasMessageContaining("ldapi://");
    assertThatThrownBy(() -> LdapServer.parse("a.test:99999", 389))
        .isInstanceOf(TableException.class).hasMessageContaining("bad port");
    assertThatThrownBy(() -> LdapServer.parse(" , ", 389))
        .isInstanceOf(TableException.class).hasMessageContaining("no LDAP server");
  }
}
