package org.postern.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Builds the TLS server context smtpd's STARTTLS and wrapper mode use from PEM key material, for
 * the engine {@link TlsEngine#selected}, and the JSSE {@link SSLContext} under the JDK engine's.
 * The protocols and cipher suites come from {@link TlsHandshakeSettings} and are set on each
 * connection. With {@link ClientCertificates} (Postfix's {@code smtpd_tls_ask_ccert}) either
 * engine asks the client for a certificate, lets every one through the handshake and names the
 * trusted CAs in its certificate request; without, none is requested.
 *
 * <p>Failure: a key that does not match its certificate or a JDK without TLS throws {@link
 * TlsConfigException}.
 */
public final class ServerTlsContexts {
  private static final char[] NO_PASSWORD = new char[0];

  private ServerTlsContexts() {}

  /**
   * The key managers for {@code keys}, one entry each (an RSA and an EC key side by side, as
   * Postfix's {@code *_cert_file} and {@code *_eccert_file}); JSSE picks the one the peer can use.
   */
  static KeyManagerFactory keyManagers(List<PemKeyMaterial> keys)
      throws GeneralSecurityException, java.io.IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < keys.size(); i++) {
      PemKeyMaterial k = keys.get(i);
      store.setKeyEntry("key" + i, k.key(), NO_PASSWORD, k.chain().toArray(new Certificate[0]));
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, NO_PASSWORD);
    return kmf;
  }

  /**
   * The server context of the selected engine, allowing {@code parameters}, asking for client
   * certificates when {@code clients} is present.
   */
  public static ServerTlsContext create(PemKeyMaterial material, TlsParameters parameters,
      Optional<ClientCertificates> clients) throws TlsConfigException {
    return switch (TlsEngine.selected()) {
      case JDK -> new ServerTlsContext.Jsse(create(material, clients), parameters, clients);
      case BORINGSSL -> new BoringSslServerContext(material, parameters, clients);
    };
  }

  /** The server context of the selected engine, not asking for client certificates. */
  public static ServerTlsContext create(PemKeyMaterial material, TlsParameters parameters)
      throws TlsConfigException {
    return create(material, parameters, Optional.empty());
  }

  /** The JSSE context. */
  public static SSLContext create(PemKeyMaterial material) throws TlsConfigException {
    return create(material, Optional.empty());
  }

  /** A context whose handshakes accept the client certificates {@code clients} judges later. */
  public static SSLContext create(PemKeyMaterial material, Optional<ClientCertificates> clients)
      throws TlsConfigException {
    try {
      KeyManagerFactory kmf = keyManagers(List.of(material));
      SSLContext context = SSLContext.getInstance("TLS");
      TrustManager[] trust = clients.isPresent()
          ? new TrustManager[] {clients.get().trustManager()}
          : null;
      context.init(kmf.getKeyManagers(), trust, null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsConfigException("cannot build server TLS context: " + e.getMessage(), e);
    }
  }
}
