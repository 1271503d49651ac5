package org.postern.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the JSSE {@link SSLContext} for the SMTP and LMTP clients. The handshake itself accepts
 * any server certificate: like Postfix, the client decides after the handshake, with {@link
 * ServerCertificateCheck}, whether the chain is trusted and matches, because what a failed check
 * means depends on the security level ({@code may} carries on, {@code verify} defers).
 *
 * <p>Failure: a JDK without TLS, or key material the JDK cannot store, throws {@link
 * TlsConfigException}.
 */
public final class ClientTlsContexts {
  /**
   * The protocol versions of HTTPS clients (MTA-STS policy fetches); SMTP and LMTP sessions take
   * theirs from {@link TlsHandshakeSettings}.
   */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private ClientTlsContexts() {}

  /** A context that presents no client certificate. */
  public static SSLContext create() throws TlsConfigException {
    return create(List.of());
  }

  /**
   * A context that presents a certificate of {@code keys} to every server that asks for one
   * ({@code smtp_tls_cert_file}, {@code smtp_tls_eccert_file}, {@code smtp_tls_chain_files}),
   * whichever CAs the server names in its request, as Postfix's client does.
   */
  public static SSLContext create(List<PemKeyMaterial> keys) throws TlsConfigException {
    try {
      KeyManager[] managers = null;
      if (!keys.isEmpty()) {
        for (KeyManager m : ServerTlsContexts.keyManagers(keys).getKeyManagers()) {
          if (m instanceof X509ExtendedKeyManager x) {
            managers = new KeyManager[] {new AnyIssuer(x)};
          }
        }
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(managers, new TrustManager[] {new DeferredCheck()}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException("cannot build client TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Offers the client's certificate whatever issuers the server's request names: OpenSSL, which
   * Postfix uses, does not filter on them, and a server often lists none or only some.
   */
  private static final class AnyIssuer extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    AnyIssuer(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return keys.getClientAliases(keyType, null);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return keys.chooseClientAlias(keyType, null, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return keys.chooseEngineClientAlias(keyType, null, engine);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }

  /** Accepts every chain during the handshake; the real check follows it. */
  private static final class DeferredCheck extends X509ExtendedTrustManager {
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
