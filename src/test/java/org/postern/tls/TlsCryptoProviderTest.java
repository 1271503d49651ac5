package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import org.junit.jupiter.api.Test;

class TlsCryptoProviderTest {
  private static final byte[] DATA = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);

  @Test
  void named_parameterValues_caseAndSpaceInsensitive() {
    assertThat(TlsCryptoProvider.named("accp")).contains(TlsCryptoProvider.ACCP);
    assertThat(TlsCryptoProvider.named(" JDK ")).contains(TlsCryptoProvider.JDK);
    assertThat(TlsCryptoProvider.named("BoringSSL")).contains(TlsCryptoProvider.BORINGSSL);
    assertThat(TlsCryptoProvider.named("openssl")).isEmpty();
    assertThat(TlsCryptoProvider.ACCP.parameterValue()).isEqualTo("accp");
  }

  @Test
  void install_accp_signsRsaPssFirstAndJdkVerifies() throws Exception {
    assertThat(TlsCryptoProvider.ACCP.install()).isEmpty();
    assertThat(Security.getProviders()[0].getName()).isEqualTo(AcceleratedSignatures.NAME);
    KeyPair rsa = generate("RSA", 2048, null);
    PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

    Signature signer = Signature.getInstance("RSASSA-PSS");
    signer.setParameter(pss);
    signer.initSign(rsa.getPrivate());
    signer.update(DATA);
    byte[] signature = signer.sign();

    assertThat(signer.getProvider().getName()).isEqualTo(AcceleratedSignatures.NAME);
    Signature verifier = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
    verifier.setParameter(pss);
    verifier.initVerify(rsa.getPublic());
    verifier.update(DATA);
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void install_accp_ecdsaSignatureVerifiesWithSunEc() throws Exception {
    assertThat(TlsCryptoProvider.ACCP.install()).isEmpty();
    KeyPair ec = generate("EC", 0, new ECGenParameterSpec("secp256r1"));

    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(ec.getPrivate());
    signer.update(DATA);
    byte[] signature = signer.sign();

    assertThat(signer.getProvider().getName()).isEqualTo(AcceleratedSignatures.NAME);
    Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
    verifier.initVerify(ec.getPublic());
    verifier.update(DATA);
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void install_twice_oneProviderOnlySignaturesTaken() {
    assertThat(TlsCryptoProvider.ACCP.install()).isEmpty();
    assertThat(TlsCryptoProvider.ACCP.install()).isEmpty();

    long installed = java.util.Arrays.stream(Security.getProviders())
        .filter(p -> p.getName().equals(AcceleratedSignatures.NAME)).count();
    assertThat(installed).isEqualTo(1);
    var services = Security.getProvider(AcceleratedSignatures.NAME).getServices();
    assertThat(services).isNotEmpty().allMatch(s -> s.getType().equals("Signature"));
    assertThat(services).extracting(java.security.Provider.Service::getAlgorithm)
        .containsExactlyInAnyOrderElementsOf(TlsCryptoProvider.SIGNATURES);
  }

  @Test
  void install_boringssl_selectsTheBoringSslEngine() throws Exception {
    try {
      assertThat(TlsCryptoProvider.BORINGSSL.install()).isEmpty();

      assertThat(TlsEngine.selected()).isEqualTo(TlsEngine.BORINGSSL);
      assertThat(ClientTlsContexts.forEngine()).isInstanceOf(BoringSslClientContext.class);
    } finally {
      TlsCryptoProvider.JDK.install();
    }
    assertThat(TlsEngine.selected()).isEqualTo(TlsEngine.JDK);
  }

  @Test
  void install_jdk_changesNothing() {
    int before = Security.getProviders().length;

    assertThat(TlsCryptoProvider.JDK.install()).isEmpty();

    assertThat(Security.getProviders()).hasSize(before);
  }

  private static KeyPair generate(String algorithm, int bits, ECGenParameterSpec curve)
      throws Exception {
    String jdkProvider = algorithm.equals("RSA") ? "SunRsaSign" : "SunEC";
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm, jdkProvider);
    if (curve != null) {
      g.initialize(curve);
    } else {
      g.initialize(bits);
    }
    return g.generateKeyPair();
  }
}
