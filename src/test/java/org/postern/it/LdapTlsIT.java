package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;

/**
 * ldap: tables over TLS to Debian's slapd on 127.0.104.50 (StartTLS on 3389, ldaps on 3636,
 * a certificate for the address from a test CA): {@code ldaps://} and {@code start_tls = yes}
 * with {@code tls_require_cert = yes} and the CA in {@code tls_ca_cert_file}; a server whose
 * certificate the named CA did not sign is an error; {@code tls_require_cert = no} takes any
 * certificate. The Postfix 3.12 peer's {@code postmap -q} answers the same for each file.
 */
class LdapTlsIT {
  private static final String HOST = "127.0.104.50";

  @TempDir static Path dir;
  private static Slapd slapd;
  private static TestPki pki;
  private static TestPki otherPki;
  private final List<String> warnings = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    otherPki = TestPki.create(dir.resolve("other-pki"));
    slapd = Slapd.startWithTls(dir, HOST, 3389, 3636, LdapTableIT.LDIF,
        pki.serverAddress(HOST));
  }

  @AfterAll
  static void stop() throws Exception {
    if (slapd != null) {
      slapd.close();
    }
  }

  private static String cf(String name, String... tls) throws IOException {
    List<String> lines = new ArrayList<>(List.of("search_base = " + Slapd.SUFFIX,
        "query_filter = (mailLocalAddress=%s)", "result_attribute = mailRoutingAddress",
        "version = 3"));
    lines.addAll(List.of(tls));
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return "ldap:" + file;
  }

  private String postern(String table) {
    try (LookupTable t = Tables.open(table, warnings::add)) {
      return t.find("al@example.com").orElse("");
    } catch (TableException e) {
      warnings.add(e.getMessage());
      return "error";
    }
  }

  private void sameAsPostfix(String table, String expected) throws Exception {
    assertThat(postern(table)).as("Postern, warnings " + warnings).isEqualTo(expected);
    assertThat(LdapTableIT.postfix(table, "al@example.com")).as("Postfix 3.12")
        .isEqualTo(expected);
  }

  @Test
  void ldapsAndStartTls_withTheRightCa_answer() throws Exception {
    sameAsPostfix(cf("ldaps.cf", "server_host = " + slapd.ldapsUrl(),
        "tls_require_cert = yes", "tls_ca_cert_file = " + pki.caCert()),
        "alice@mail.example.com");
    sameAsPostfix(cf("starttls.cf", "server_host = " + slapd.url(), "start_tls = yes",
        "tls_require_cert = yes", "tls_ca_cert_file = " + pki.caCert()),
        "alice@mail.example.com");
  }

  @Test
  void requireCert_otherCa_isAnError_whileNoCheckAnswers() throws Exception {
    sameAsPostfix(cf("wrongca.cf", "server_host = " + slapd.ldapsUrl(),
        "tls_require_cert = yes", "tls_ca_cert_file = " + otherPki.caCert()), "error");
    sameAsPostfix(cf("starttls-wrongca.cf", "server_host = " + slapd.url(), "start_tls = yes",
        "tls_require_cert = yes", "tls_ca_cert_file = " + otherPki.caCert()), "error");
    sameAsPostfix(cf("nocheck.cf", "server_host = " + slapd.ldapsUrl()),
        "alice@mail.example.com");
  }
}
