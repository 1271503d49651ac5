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
  void load_keyOfAnotherCertificate_isRefused() throws Exception {
    TestPki pki = new TestPki(dir);
    TestPki.Issued ca = pki.rootCa("CA");
    TestPki.Issued one = pki.leaf("one", ca, "one.test");
    TestPki.Issued two = pki.leaf("two", ca, "two.test");
    PemKeyMaterial.load(one.cert(), one.key());
    assertThatThrownBy(() -> PemKeyMaterial.load(one.cert(), two.key()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessage(two.key() + " and " + one.cert() + ": private key does not match the certificate");
    assertThatThrownBy(() -> PemKeyMaterial.loadChainFiles(java.util.List.of(two.key(), one.cert())))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("private key does not match the certificate");
  }

  @Test
  void load_missingFile_isRefusedNamingTheFile() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> PemKeyMaterial.load(missing, missing))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith(missing + ": cannot read");
  }
}
