package org.postern.tls;

/**
 * Which implementation runs the TLS handshakes and records of smtpd and the SMTP and LMTP
 * clients, as {@code postern_tls_provider} chose it at daemon start ({@link
 * TlsCryptoProvider#install}): {@link #JDK}, Java's own JSSE (with AWS-LC signatures under {@code
 * accp}), or {@link #BORINGSSL}, BoringSSL through Netty's {@code OpenSslEngine} ({@code
 * boringssl}). MTA-STS policy fetches (HTTPS) always use JSSE.
 *
 * <p>The choice is one per JVM, like the JCA providers it sits beside: commands other than the
 * daemon keep {@link #JDK}.
 *
 * <p>Failure: none here; {@link TlsCryptoProvider#install} selects {@link #BORINGSSL} only once
 * its native library has loaded.
 */
public enum TlsEngine {
  JDK,
  BORINGSSL;

  private static volatile TlsEngine selected = JDK;

  /** The engine new TLS contexts use. */
  public static TlsEngine selected() {
    return selected;
  }

  static void select(TlsEngine engine) {
    selected = engine;
  }
}
