package org.postern.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the TLS client context of the SMTP and LMTP clients, for the engine {@link
 * TlsEngine#selected} ({@link #forEngine}), and the JSSE {@link SSLContext} under the JDK
 * engine's. The handshake itself accepts
 * any server certificate: like Postfix, the client decides after the handshake, with {@link
 * ServerCertificateCheck}, whether the chain is trusted and matches, because what a failed check
 * means depends on the security level ({@code may} carries on, {@code verify} defers).
 *
 * <p>The client certificate ({@code smtp_tls_cert_file} and the like) is presented with either
 * engine: both take the same key manager, which ignores the issuers the server names.
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

  /** The client context of the selected engine, presenting no client certificate. */
  public static ClientTlsContext forEngine() throws TlsConfigException {
    return forEngine(List.of());
  }

  /**
   * The client context of the selected engine, presenting a certificate of {@code keys} to every
   * server that asks for one (see {@link #create(List)}).
   */
  public static ClientTlsContext forEngine(List<PemKeyMaterial> keys) throws TlsConfigException {
    return forEngine(keys, Optional.empty());
  }

  /**
   * {@link #forEngine(List)}, keeping each server's session resumable for {@code sessionCache}
   * ({@code smtp_tls_session_cache_timeout}); none is resumed when it is empty.
   */
  public static ClientTlsContext forEngine(List<PemKeyMaterial> keys,
      Optional<Duration> sessionCache) throws TlsConfigException {
    return switch (TlsEngine.selected()) {
      case JDK -> {
        SSLContext context = create(keys);
        sessionCache.ifPresent(
            t -> context.getClientSessionContext().setSessionTimeout((int) t.toSeconds()));
        yield new ClientTlsContext.Jsse(context, sessionCache.isPresent());
      }
      case BORINGSSL -> new BoringSslClientContext(keyManager(keys), sessionCache);
    };
  }

  /** The JSSE context, presenting no client certificate. */
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
      KeyManager[] managers = keyManager(keys).map(m -> new KeyManager[] {m}).orElse(null);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(managers, new TrustManager[] {new DeferredCheck()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot build client TLS context: " + e.getMessage(), e);
    }
  }

  /** The key manager offering {@code keys} to any server, none when there are no keys. */
  private static Optional<X509ExtendedKeyManager> keyManager(List<PemKeyMaterial> keys)
      throws TlsConfigException {
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    try {
      for (KeyManager m : ServerTlsContexts.keyManagers(keys).getKeyManagers()) {
        if (m instanceof X509ExtendedKeyManager x) {
          return Optional.of(new AnyIssuer(x));
        }
      }
      return Optional.empty();
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
