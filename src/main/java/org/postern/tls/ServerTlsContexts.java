package org.postern.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Builds the JSSE {@link SSLContext} a TLS server (smtpd's STARTTLS and wrapper mode) uses from
 * PEM key material. Protocols are limited to TLSv1.2 and TLSv1.3 when sockets are created from it
 * (see {@link #PROTOCOLS}); client certificates are not requested, as with Postfix's default
 * {@code smtpd_tls_ask_ccert = no}.
 *
 * <p>Failure: a key that does not match its certificate or a JDK without TLS throws {@link
 * TlsConfigException}.
 */
public final class ServerTlsContexts {
  /** The protocol versions a server socket enables. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private static final char[] NO_PASSWORD = new char[0];

  private ServerTlsContexts() {}

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
