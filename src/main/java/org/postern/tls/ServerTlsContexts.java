package org.postern.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Builds the TLS server context smtpd's STARTTLS and wrapper mode use from PEM key material, for
 * the engine {@link TlsEngine#selected}, and the JSSE {@link SSLContext} under the JDK engine's. The protocols and cipher suites come from {@link TlsHandshakeSettings} and are
 * set on each socket; client certificates are not requested, as with Postfix's default {@code
 * smtpd_tls_ask_ccert = no}.
 *
 * <p>Failure: a key that does not match its certificate or a JDK without TLS throws {@link
 * TlsConfigException}.
 */
public final class ServerTlsContexts {
  private static final char[] NO_PASSWORD = new char[0];

  private ServerTlsContexts() {}

  /** The server context of the selected engine, allowing {@code parameters}. */
  public static ServerTlsContext create(PemKeyMaterial material, TlsParameters parameters)
      throws TlsConfigException {
    return switch (TlsEngine.selected()) {
      case JDK -> new ServerTlsContext.Jsse(create(material), parameters);
      case BORINGSSL -> new BoringSslServerContext(material, parameters);
    };
  }

  /** The JSSE context. */
  public static SSLContext create(PemKeyMaterial material) throws TlsConfigException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "server", material.key(), NO_PASSWORD, material.chain().toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsConfigException("cannot build server TLS context: " + e.getMessage(), e);
    }
  }
}
