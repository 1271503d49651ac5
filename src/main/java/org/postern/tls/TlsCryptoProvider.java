package org.postern.tls;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.util.Spellings;

/**
 * Which native code does the work of TLS handshakes: {@code postern_tls_provider}, a Postern
 * parameter (Postfix leaves this to OpenSSL, which is native code anyway).
 *
 * <p>Why: every inbound STARTTLS costs the server one private-key signature (CertificateVerify,
 * RSA 2048 for most certificates) and a key exchange. The JDK computes both in Java at about a
 * third of OpenSSL's speed. {@code boringssl} runs the whole TLS protocol in BoringSSL through
 * Netty's {@code OpenSslEngine} ({@link TlsEngine#BORINGSSL}): a fifth to two fifths less CPU
 * per handshake than JSSE (docs/benchmarks.md), and TLS 1.3 session resumption for smtpd's
 * clients. {@code accp} keeps JSSE and hands
 * exactly the signature algorithms to AWS-LC through the Amazon Corretto Crypto Provider, placed
 * ahead of the JDK's providers; the TLS protocol itself, certificate checks, key exchange,
 * digests, ciphers and random numbers stay with the JDK. {@code jdk} leaves the JDK alone.
 * Certificate checks after the handshake (PKIX, DANE, fingerprints) are Postern's own Java code
 * under every value.
 *
 * <p>Failure: where BoringSSL's or AWS-LC's native library does not load (another platform than
 * Linux x86_64, a {@code java.io.tmpdir} mounted {@code noexec}) or AWS-LC fails its self-tests,
 * {@link #install} falls back ({@code boringssl} to what {@code accp} gives, {@code accp} to the
 * JDK) and returns the reason and the fallback. The choice is made once per JVM, at daemon start.
 */
public enum TlsCryptoProvider {
  BORINGSSL("boringssl"),
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
   * Selects this value's engine and signature provider for the whole JVM; idempotent. Returns,
   * when the native code could not load, why and what runs instead.
   */
  public Optional<String> install() {
    if (this != BORINGSSL) {
      TlsEngine.select(TlsEngine.JDK);
    }
    return switch (this) {
      case JDK -> Optional.empty();
      case ACCP -> installAccp().map(why -> why + "; the JDK's providers sign instead");
      case BORINGSSL -> {
        Optional<String> why = BoringSsl.unavailable();
        if (why.isEmpty()) {
          TlsEngine.select(TlsEngine.BORINGSSL);
          yield Optional.empty();
        }
        installAccp();
        yield Optional.of(why.get() + "; the JDK's TLS engine is used instead");
      }
    };
  }

  private static Optional<String> installAccp() {
    if (Security.getProvider(AcceleratedSignatures.NAME) != null) {
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
