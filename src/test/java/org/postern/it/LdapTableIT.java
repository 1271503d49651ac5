package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;

/**
 * ldap: tables against Debian's slapd on 127.0.104.20, each lookup compared with what the
 * Postfix 3.12 peer's {@code postmap -q} answers from the same configuration file and server:
 * fail-over past a server that refuses connections (127.0.104.21), group expansion through a
 * {@code special_result_attribute} of member DNs, leaf and terminal result attributes, {@code
 * domain}, {@code result_format}, RFC 4515 quoting of the key, a wrong bind password and {@code
 * expansion_limit} as errors. A slapd that stops is a temporary failure, and the table answers
 * again when it is back.
 */
class LdapTableIT {
  private static final String HOST = "127.0.104.20";
  private static final int PORT = 3389;
  private static final String DEAD = "ldap://127.0.104.21:3389";
  static final String LDIF = String.join("\n",
      "dn: dc=example,dc=com", "objectClass: dcObject", "objectClass: organization",
      "o: Example", "dc: example", "",
      "dn: uid=alice,dc=example,dc=com", "objectClass: inetOrgPerson",
      "objectClass: inetLocalMailRecipient", "uid: alice", "cn: Alice", "sn: A",
      "mail: alice@example.com", "mailLocalAddress: al@example.com",
      "mailLocalAddress: al@other.org", "mailRoutingAddress: alice@mail.example.com", "",
      "dn: uid=bob,dc=example,dc=com", "objectClass: inetOrgPerson",
      "objectClass: inetLocalMailRecipient", "uid: bob", "cn: Bob", "sn: B",
      "mail: bob@example.com", "mailLocalAddress: bob@example.com",
      "mailRoutingAddress: bob@mail.example.com", "",
      "dn: cn=staff,dc=example,dc=com", "objectClass: groupOfNames",
      "objectClass: extensibleObject", "cn: staff", "mail: staff@example.com",
      "mailLocalAddress: staff@example.com", "member: uid=alice,dc=example,dc=com",
      "member: uid=bob,dc=example,dc=com", "",
      "dn: cn=lists,dc=example,dc=com", "objectClass: groupOfNames",
      "objectClass: extensibleObject", "cn: lists", "mailLocalAddress: lists@example.com",
      "mailHost: lists.example.com", "member: uid=alice,dc=example,dc=com", "",
      "dn: cn=blocked,dc=example,dc=com", "objectClass: inetOrgPerson",
      "objectClass: inetLocalMailRecipient", "cn: blocked", "sn: blocked",
      "mailLocalAddress: spammer@bad.example", "description: REJECT go away", "");

  @TempDir static Path dir;
  private static Slapd slapd;
  private final List<String> warnings = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    slapd = Slapd.start(dir, HOST, PORT, LDIF);
  }

  @AfterAll
  static void stop() throws Exception {
    if (slapd != null) {
      slapd.close();
    }
  }

  private static String cf(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return "ldap:" + file;
  }

  private static String aliases() throws IOException {
    return cf("aliases.cf", "server_host = " + DEAD + " " + slapd.url(),
        "search_base = " + Slapd.SUFFIX, "query_filter = (mailLocalAddress=%s)",
        "result_attribute = mailRoutingAddress", "special_result_attribute = member",
        "version = 3", "bind = no");
  }

  /** Postern's answer, as postmap -q would print it: the value, "" for none, "error". */
  private String postern(String table, String key) {
    try (LookupTable t = Tables.open(table, warnings::add)) {
      return t.find(key).orElse("");
    } catch (TableException e) {
      return "error";
    }
  }

  /** The Postfix 3.12 peer's postmap -q, in the same terms. */
  static String postfix(String table, String key) throws Exception {
    Path root = Postfix312.root();
    PosternInstance.Result r = Commands.run(List.of(Postfix312.program("postmap").toString(),
        "-c", root.resolve("etc/postfix").toString(), "-q", key, table), "",
        Duration.ofSeconds(60));
    if (r.err().contains("fatal:")) {
      return "error";
    }
    return r.status() == 0 ? r.out().strip() : "";
  }

  private void sameAsPostfix(String table, String key, String expected) throws Exception {
    assertThat(postern(table, key)).as("Postern " + key).isEqualTo(expected);
    assertThat(postfix(table, key)).as("Postfix 3.12 " + key).isEqualTo(expected);
  }

  @Test
  void find_failOverAndGroupExpansion_asPostfix() throws Exception {
    String table = aliases();
    sameAsPostfix(table, "al@example.com", "alice@mail.example.com");
    sameAsPostfix(table, "AL@Other.ORG", "alice@mail.example.com");
    sameAsPostfix(table, "staff@example.com", "alice@mail.example.com,bob@mail.example.com");
    sameAsPostfix(table, "nobody@example.com", "");
    sameAsPostfix(table, "*@example.com", "");
    sameAsPostfix(table, "al@example.com)(mail=*", "");
    assertThat(warnings).anyMatch(w -> w.contains("Unable to connect to LDAP server " + DEAD));
  }

  @Test
  void find_leafAndTerminalAttributes_asPostfix() throws Exception {
    String table = cf("leaf.cf", "server_host = " + slapd.url(),
        "search_base = " + Slapd.SUFFIX, "query_filter = (mailLocalAddress=%s)",
        "result_attribute =", "leaf_result_attribute = mail",
        "terminal_result_attribute = mailHost", "special_result_attribute = member",
        "version = 3");
    sameAsPostfix(table, "staff@example.com", "alice@example.com,bob@example.com");
    sameAsPostfix(table, "lists@example.com", "lists.example.com");
    sameAsPostfix(table, "bob@example.com", "bob@example.com");
  }

  @Test
  void find_domainAndResultFormat_asPostfix() throws Exception {
    String table = cf("domain.cf", "server_host = " + slapd.url(),
        "search_base = " + Slapd.SUFFIX, "query_filter = (mailLocalAddress=%s)",
        "result_attribute = mailRoutingAddress", "domain = example.com",
        "result_format = smtp:[%d] for %U", "version = 3");
    sameAsPostfix(table, "al@example.com", "smtp:[mail.example.com] for al");
    sameAsPostfix(table, "al@other.org", "");
    sameAsPostfix(table, "example.com", "");
  }

  @Test
  void find_wrongBindPasswordOrTooManyValues_isAnError() throws Exception {
    String bind = cf("bind.cf", "server_host = " + slapd.url(),
        "search_base = " + Slapd.SUFFIX, "query_filter = (mailLocalAddress=%s)",
        "result_attribute = mailRoutingAddress", "version = 3", "bind = yes",
        "bind_dn = " + Slapd.ROOT_DN, "bind_pw = wrong");
    sameAsPostfix(bind, "al@example.com", "error");
    String good = cf("goodbind.cf", "server_host = " + slapd.url(),
        "search_base = " + Slapd.SUFFIX, "query_filter = (mailLocalAddress=%s)",
        "result_attribute = mailRoutingAddress", "version = 3", "bind = simple",
        "bind_dn = " + Slapd.ROOT_DN, "bind_pw = " + Slapd.ROOT_PW);
    sameAsPostfix(good, "al@example.com", "alice@mail.example.com");
    String limited = cf("limit.cf", "server_host = " + slapd.url(),
        "search_base = " + Slapd.SUFFIX, "query_filter = (mailLocalAddress=%s)",
        "result_attribute = mailRoutingAddress", "special_result_attribute = member",
        "expansion_limit = 1", "version = 3");
    sameAsPostfix(limited, "staff@example.com", "error");
    sameAsPostfix(limited, "al@example.com", "alice@mail.example.com");
  }

  @Test
  void find_serverStopped_isTemporaryFailureUntilItIsBack() throws Exception {
    try (LookupTable t = Tables.open(aliases(), warnings::add)) {
      assertThat(t.find("al@example.com")).contains("alice@mail.example.com");
      slapd.stop();
      try {
        assertThatThrownBy(() -> t.find("al@example.com")).isInstanceOf(TableException.class)
            .hasMessageStartingWith("table " + t.spec() + ": ");
      } finally {
        slapd.start();
      }
      assertThat(t.find("al@example.com")).isEqualTo(Optional.of("alice@mail.example.com"));
    }
  }
}
