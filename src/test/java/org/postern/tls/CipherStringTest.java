package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CipherStringTest {
  /** Every suite JDK 25's JSSE knows when jdk.tls.disabledAlgorithms is emptied, in its order. */
  static final List<String> JDK_SUITES = List.of(
      "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
      "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",
      "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
      "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
      "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
      "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA",
      "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
      "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
      "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",
      "TLS_DH_anon_WITH_AES_256_CBC_SHA", "TLS_DH_anon_WITH_AES_128_CBC_SHA256",
      "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "TLS_DH_anon_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
      "SSL_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "SSL_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
      "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
      "SSL_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",
      "SSL_DH_anon_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
      "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "SSL_RSA_WITH_RC4_128_SHA",
      "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", "TLS_ECDH_RSA_WITH_RC4_128_SHA",
      "SSL_RSA_WITH_RC4_128_MD5", "TLS_ECDH_anon_WITH_RC4_128_SHA",
      "SSL_DH_anon_WITH_RC4_128_MD5", "SSL_RSA_WITH_DES_CBC_SHA", "SSL_DHE_RSA_WITH_DES_CBC_SHA",
      "SSL_DHE_DSS_WITH_DES_CBC_SHA", "SSL_DH_anon_WITH_DES_CBC_SHA",
      "SSL_RSA_EXPORT_WITH_DES40_CBC_SHA", "SSL_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
      "SSL_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", "SSL_DH_anon_EXPORT_WITH_DES40_CBC_SHA",
      "SSL_RSA_EXPORT_WITH_RC4_40_MD5", "SSL_DH_anon_EXPORT_WITH_RC4_40_MD5",
      "TLS_RSA_WITH_NULL_SHA256", "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "TLS_ECDHE_RSA_WITH_NULL_SHA",
      "SSL_RSA_WITH_NULL_SHA", "TLS_ECDH_ECDSA_WITH_NULL_SHA", "TLS_ECDH_RSA_WITH_NULL_SHA",
      "TLS_ECDH_anon_WITH_NULL_SHA", "SSL_RSA_WITH_NULL_MD5");

  static final String HIGH = "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH"
      + ":!aDSS:!MD5:@STRENGTH";
  static final String MEDIUM = "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH"
      + ":!kECDH:!aDSS:!MD5:+RC4:@STRENGTH";
  static final String NULL = "eNULL:!kDH:!kECDH:!aDSS:!MD5:!aNULL";

  private static final List<CipherSuite> UNIVERSE = JDK_SUITES.stream()
      .map(CipherSuite::parse).flatMap(Optional::stream).toList();

  private static List<String> select(String text) throws TlsConfigException {
    return CipherString.select(UNIVERSE, text, "tls_high_cipherlist").stream()
        .map(CipherSuite::openSslName).toList();
  }

  @Test
  void parse_derivesOpenSslNames() {
    Map<String, String> expected = Map.of(
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256",
        "SSL_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "EDH-DSS-DES-CBC3-SHA",
        "SSL_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "EXP-EDH-RSA-DES-CBC-SHA",
        "SSL_DH_anon_EXPORT_WITH_RC4_40_MD5", "EXP-ADH-RC4-MD5",
        "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305",
        "SSL_RSA_WITH_NULL_MD5", "NULL-MD5",
        "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", "ECDH-RSA-DES-CBC3-SHA");
    expected.forEach((jsse, openssl) ->
        assertThat(CipherSuite.parse(jsse).orElseThrow().openSslName()).isEqualTo(openssl));
    assertThat(CipherSuite.parse("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")).isEmpty();
    assertThat(CipherSuite.parse("TLS_AES_128_GCM_SHA256").orElseThrow().tls13()).isTrue();
  }

  @Test
  void parse_namesAgreeWithOpenSsl() throws Exception {
    Map<String, String> byStandardName = new HashMap<>();
    for (String line : openssl("-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0").split("\n")) {
      String[] f = line.trim().split("\\s+");
      byStandardName.put(f[0], f[2]);
    }
    int compared = 0;
    for (CipherSuite s : UNIVERSE) {
      String openSsl = byStandardName.get(s.jsseName().replaceFirst("^SSL_", "TLS_"));
      if (openSsl != null) {
        assertThat(s.openSslName()).as(s.jsseName()).isEqualTo(openSsl);
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(30);
  }

  @Test
  void select_postfixGrades_agreeWithOpenSsl() throws Exception {
    Set<String> known = UNIVERSE.stream().filter(s -> !s.tls13()).map(CipherSuite::openSslName)
        .collect(Collectors.toSet());
    Set<String> openSslHas = Set.of(openssl("ALL:COMPLEMENTOFALL:@SECLEVEL=0").strip().split(":"));
    for (String grade : List.of(HIGH, MEDIUM, NULL, "HIGH:!aNULL:!kRSA", "ECDHE+AESGCM:DHE+AES")) {
      Set<String> theirs = new LinkedHashSet<>(List.of(openssl(grade + ":@SECLEVEL=0").strip()
          .split(":")));
      theirs.retainAll(known);
      Set<String> ours = new LinkedHashSet<>(select(grade));
      ours.retainAll(openSslHas);
      assertThat(ours).as(grade).isEqualTo(theirs);
    }
  }

  private static String openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl", "ciphers"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void select_defaultHigh_excludesDeprecatedAndKeepsAnonymous() throws Exception {
    List<String> high = select(HIGH);

    assertThat(high).contains("ECDHE-RSA-AES256-GCM-SHA384", "ADH-AES256-GCM-SHA384",
        "AES128-SHA");
    assertThat(high).noneMatch(n -> n.contains("DES") || n.contains("RC4")
        || n.startsWith("ECDH-") || n.startsWith("DHE-DSS") || n.endsWith("MD5"));
    assertThat(high.getFirst()).contains("256");
    assertThat(high.getLast()).contains("128");
  }

  @Test
  void select_medium_addsMediumStrength() throws Exception {
    assertThat(select("HIGH:MEDIUM")).contains("DES-CBC3-SHA", "RC4-SHA");
    assertThat(select(MEDIUM)).doesNotContain("DES-CBC3-SHA", "RC4-SHA");
  }

  @Test
  void select_nullGrade_onlyNullEncryption() throws Exception {
    assertThat(select(NULL)).containsExactlyInAnyOrder(
        "NULL-SHA256", "ECDHE-ECDSA-NULL-SHA", "ECDHE-RSA-NULL-SHA", "NULL-SHA");
  }

  @Test
  void select_operators_followOpenSsl() throws Exception {
    assertThat(select("AES256-SHA:AES128-SHA")).containsExactly("AES256-SHA", "AES128-SHA");
    assertThat(select("AES256-SHA:AES128-SHA:+AES256-SHA"))
        .containsExactly("AES128-SHA", "AES256-SHA");
    assertThat(select("AES256-SHA:AES128-SHA:-AES256-SHA")).containsExactly("AES128-SHA");
    assertThat(select("AES256-SHA:-AES256-SHA:AES256-SHA")).containsExactly("AES256-SHA");
    assertThat(select("!AES256-SHA:AES256-SHA")).isEmpty();
    assertThat(select("AES128-SHA:AES256-SHA:@STRENGTH")).containsExactly("AES256-SHA",
        "AES128-SHA");
    assertThat(select("kECDHE+aRSA+AESGCM")).containsExactly(
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256");
    assertThat(select("TLS_RSA_WITH_AES_128_CBC_SHA, SSL_RSA_WITH_RC4_128_MD5"))
        .containsExactly("AES128-SHA", "RC4-MD5");
  }

  @Test
  void select_tls13Names_matchNothing() throws Exception {
    assertThat(select("TLS_AES_128_GCM_SHA256")).isEmpty();
  }

  @Test
  void select_unknownNameOrCommand_namesParameter() {
    assertThatThrownBy(() -> select("HIGH:FOO")).isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("tls_high_cipherlist: unknown cipher name or alias: \"FOO\"");
    assertThatThrownBy(() -> select("DEFAULT")).hasMessageContaining("\"DEFAULT\"");
    assertThatThrownBy(() -> select("HIGH:@SORT")).hasMessageContaining("@SORT");
    assertThatThrownBy(() -> select("AES256-SAH")).hasMessageContaining("AES256-SAH");
  }

  @Test
  void exclude_postfixExamples_understood() throws Exception {
    List<CipherSuite> all = CipherString.select(UNIVERSE, "ALL", "t");
    List<CipherSuite> left = CipherString.exclude(all, "aNULL, eNULL, EXPORT, DES, RC4, MD5, PSK,"
        + " aECDH, EDH-DSS-DES-CBC3-SHA, EDH-RSA-DES-CBC3-SHA, KRB5-DES, CBC3-SHA", "x");

    assertThat(left).isNotEmpty().noneMatch(s -> s.aliases().contains("aNULL")
        || s.aliases().contains("RC4") || s.aliases().contains("DES")
        || s.aliases().contains("aECDH") || s.openSslName().equals("EDH-DSS-DES-CBC3-SHA"));
    assertThat(left).anyMatch(s -> s.openSslName().equals("DES-CBC3-SHA"));
    assertThat(CipherString.exclude(all, "DES+MD5, AES256-SHA, DES-CBC3-MD5, kEDH+aRSA", "x"))
        .noneMatch(s -> s.openSslName().equals("AES256-SHA")
            || s.openSslName().startsWith("DHE-RSA") || s.openSslName().startsWith("EDH-RSA"));
  }

  @Test
  void exclude_cbc_leavesAead() throws Exception {
    List<CipherSuite> left =
        CipherString.exclude(CipherString.select(UNIVERSE, HIGH, "t"), "CBC", "x");

    assertThat(left).isNotEmpty().allMatch(s -> s.openSslName().contains("GCM")
        || s.openSslName().contains("CHACHA20"));
  }

  @Test
  void exclude_operatorsOrUnknown_refusedNamingParameter() {
    assertThatThrownBy(() -> CipherString.exclude(UNIVERSE, "!RC4", "smtp_tls_exclude_ciphers"))
        .hasMessage("smtp_tls_exclude_ciphers: invalid unary '!+-@' in cipher exclusion: !RC4");
    assertThatThrownBy(() -> CipherString.exclude(UNIVERSE, "aNULL, RC44",
        "smtp_tls_exclude_ciphers")).hasMessageContaining("smtp_tls_exclude_ciphers")
        .hasMessageContaining("\"RC44\"");
  }
}
