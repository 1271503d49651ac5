package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.it.TestPki;
import org.postern.tls.PemKeyMaterial;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;

class SmtpClientKeysTest {
  @TempDir static Path dir;
  private static List<Path> one;
  private static List<Path> two;
  private final List<String> warnings = new ArrayList<>();

  @BeforeAll
  static void pki() throws Exception {
    TestPki pki = TestPki.create(dir);
    one = pki.client("one.test");
    two = pki.client("two.test");
  }

  private List<PemKeyMaterial> load(Protocol p, Map<String, String> mainCf) throws Exception {
    return SmtpSettings.of(MainConfig.of(Path.of("/etc/postern"), mainCf), p).clientKeys()
        .load(warnings::add);
  }

  private static List<String> names(List<PemKeyMaterial> keys) {
    return keys.stream()
        .map(k -> ServerCertificateCheck.commonName(k.chain().getFirst()).orElse("?"))
        .toList();
  }

  @Test
  void load_noneConfigured_presentsNothing() throws Exception {
    assertThat(load(Protocol.SMTP, Map.of())).isEmpty();
  }

  @Test
  void load_lmtpReadsItsOwnCertAndEccertFiles() throws Exception {
    Map<String, String> cf = Map.of(
        "lmtp_tls_cert_file", one.get(0).toString(), "lmtp_tls_key_file", one.get(1).toString(),
        "lmtp_tls_eccert_file", two.get(0).toString(), "lmtp_tls_eckey_file", two.get(1).toString(),
        "smtp_tls_cert_file", "/nonexistent");
    assertThat(names(load(Protocol.LMTP, cf))).containsExactly("one.test", "two.test");
  }

  @Test
  void load_chainFilesWinOverLegacyWithPostfixWarning() throws Exception {
    Map<String, String> cf = Map.of(
        "smtp_tls_chain_files", two.get(1) + ", " + two.get(0),
        "smtp_tls_cert_file", one.get(0).toString(), "smtp_tls_key_file", one.get(1).toString());
    assertThat(names(load(Protocol.SMTP, cf))).containsExactly("two.test");
    assertThat(warnings).containsExactly("Both smtp_tls_chain_files and one or more of the legacy"
        + " smtp_tls_cert_file or smtp_tls_eccert_file are non-empty; the legacy parameters will be"
        + " ignored");
  }

  @Test
  void load_missingKeyFile_namesIt() {
    Map<String, String> cf = Map.of("smtp_tls_cert_file", one.get(0).toString(),
        "smtp_tls_key_file", dir.resolve("missing.key").toString());
    assertThatThrownBy(() -> load(Protocol.SMTP, cf))
        .isInstanceOf(TlsConfigException.class).hasMessageContaining("missing.key");
  }
}
