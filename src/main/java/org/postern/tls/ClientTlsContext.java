package org.postern.tls;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The TLS client side of the SMTP and LMTP clients, for the engine that {@code
 * postern_tls_provider} chose ({@link ClientTlsContexts#forEngine}). The handshake accepts any
 * server certificate; the level's check follows it ({@link ServerCertificateCheck}, {@link
 * TlsaMatcher}).
 *
 * <p>Failure: {@link #connect} throws {@link IOException} when the handshake fails or outlives
 * the socket's read timeout; the caller still owns and closes the plain socket.
 */
public sealed interface ClientTlsContext permits ClientTlsContext.Jsse, BoringSslClientContext {
  /**
   * Runs the client side of the handshake over {@code plain} with the protocols and suites of
   * {@code parameters}, naming {@code peerName} in SNI when it is a host name.
   */
  TlsConnection connect(Socket plain, String peerName, TlsParameters parameters)
      throws IOException;

  /** The JDK engine. */
  record Jsse(SSLContext context) implements ClientTlsContext {
    @Override
    public TlsConnection connect(Socket plain, String peerName, TlsParameters parameters)
        throws IOException {
      SSLSocket socket = (SSLSocket) context.getSocketFactory()
          .createSocket(plain, peerName, plain.getPort(), true);
      socket.setUseClientMode(true);
      parameters.applyTo(socket);
      socket.startHandshake();
      return new TlsConnection.OverSslSocket(socket);
    }
  }
}
