package org.postern.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the TLS client context of the SMTP and LMTP clients, for the engine {@link
 * TlsEngine#selected} ({@link #forEngine}), and the JSSE {@link SSLContext} under the JDK
 * engine's. The handshake itself accepts
 * any server certificate: like Postfix, the client decides after the handshake, with {@link
 * ServerCertificateCheck}, whether the chain is trusted and matches, because what a failed check
 * means depends on the security level ({@code may} carries on, {@code verify} defers).
 *
 * <p>Failure: a JDK without TLS throws {@link TlsConfigException}.
 */
public final class ClientTlsContexts {
  /**
   * The protocol versions of HTTPS clients (MTA-STS policy fetches); SMTP and LMTP sessions take
   * theirs from {@link TlsHandshakeSettings}.
   */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private ClientTlsContexts() {}

  /** The client context of the selected engine. */
  public static ClientTlsContext forEngine() throws TlsConfigException {
    return switch (TlsEngine.selected()) {
      case JDK -> new ClientTlsContext.Jsse(create());
      case BORINGSSL -> new BoringSslClientContext();
    };
  }

  /** The JSSE context. */
  public static SSLContext create() throws TlsConfigException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new DeferredCheck()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot build client TLS context: " + e.getMessage(), e);
    }
  }

  /** Accepts every chain during the handshake; the real check follows it. */
  static final class DeferredCheck extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("client-side trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("client-side trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // Checked after the handshake by ServerCertificateCheck, per security level.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // Checked after the handshake by ServerCertificateCheck, per security level.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // Checked after the handshake by ServerCertificateCheck, per security level.
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
