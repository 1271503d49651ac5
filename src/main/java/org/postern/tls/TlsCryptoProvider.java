package org.postern.tls;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.util.Spellings;

/**
 * Who computes the public-key signatures of TLS handshakes: {@code postern_tls_provider}, a
 * Postern parameter (Postfix leaves this to OpenSSL, which is native code anyway).
 *
 * <p>Why: every inbound STARTTLS costs the server one private-key signature (CertificateVerify,
 * RSA 2048 for most certificates). The JDK computes it in Java at about a third of OpenSSL's
 * speed: a third of the Java samples in a TLS relay's profile, 7% of its user CPU. {@code accp}
 * hands exactly the signature algorithms to AWS-LC through the Amazon Corretto Crypto Provider,
 * placed ahead of the JDK's providers; the TLS protocol itself, certificate checks, key exchange,
 * digests, ciphers and random numbers stay with the JDK. {@code jdk} leaves the JDK's providers alone.
 *
 * <p>Failure: where AWS-LC's native library does not load or fails its self-tests (another
 * platform than Linux x86_64, for one), {@link #install} changes nothing and returns the reason;
 * the JDK then signs as before. The choice is made once per JVM, at daemon start.
 */
public enum TlsCryptoProvider {
  ACCP("accp"),
  JDK("jdk");

  /** The signature algorithms TLS 1.2 and 1.3 ask for, by their JCA names. */
  static final List<String> SIGNATURES =
      List.of("RSASSA-PSS", "SHA256withRSA", "SHA384withRSA", "SHA512withRSA",
          "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA");

  private final String parameterValue;

  TlsCryptoProvider(String parameterValue) {
    this.parameterValue = parameterValue;
  }

  public String parameterValue() {
    return parameterValue;
  }

  /** The provider a {@code postern_tls_provider} value names, if any. */
  public static Optional<TlsCryptoProvider> named(String value) {
    return Spellings.find(values(), p -> p.parameterValue, value.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * Puts this provider's signatures first for the whole JVM; idempotent. Returns why it could
   * not, when it could not.
   */
  public Optional<String> install() {
    if (this == JDK || Security.getProvider(AcceleratedSignatures.NAME) != null) {
      return Optional.empty();
    }
    Provider accp;
    try {
      accp = AmazonCorrettoCryptoProvider.INSTANCE;
      accp.getService("Signature", SIGNATURES.get(0)); // loads the native library
      Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
      if (error != null) {
        return Optional.of(describe(error));
      }
      AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
    } catch (LinkageError | RuntimeException e) {
      return Optional.of(describe(e));
    }
    Security.insertProviderAt(new AcceleratedSignatures(accp, SIGNATURES), 1);
    return Optional.empty();
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
