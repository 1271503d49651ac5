package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyMaterialTest {
  @TempDir Path dir;

  @Test
  void load_legacyRsaKey_isRefusedNamingTheFile() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "");
    assertThatThrownBy(() -> PemKeyMaterial.load(cert, key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(cert.toString())
        .hasMessageContaining("no certificate found");
    assertThatThrownBy(() -> PemKeyMaterial.loadChainFiles(java.util.List.of(key)))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("unsupported key format \"RSA PRIVATE KEY\"");
  }

  @Test
  void load_missingFile_isRefusedNamingTheFile() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> PemKeyMaterial.load(missing, missing))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith(missing + ": cannot read");
  }
}
