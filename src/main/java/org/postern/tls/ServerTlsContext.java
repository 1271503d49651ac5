package org.postern.tls;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * What a TLS server (smtpd's STARTTLS and wrapper mode) needs to upgrade an accepted connection:
 * the engine with its key material, and the protocols and cipher suites the handshake may use.
 * {@link ServerTlsContexts#create(PemKeyMaterial, TlsParameters)} makes one for the engine that
 * {@code postern_tls_provider} chose ({@link TlsEngine}).
 *
 * <p>Failure: {@link #accept} throws {@link IOException} when the handshake fails (a client that
 * offers no allowed protocol or suite); the caller still owns and closes the plain socket.
 */
public sealed interface ServerTlsContext permits ServerTlsContext.Jsse, BoringSslServerContext {
  /** Runs the server side of the handshake over {@code plain}, which the connection then owns. */
  TlsConnection accept(Socket plain) throws IOException;

  /** The protocols and suites this server allows. */
  TlsParameters parameters();

  /** The JDK engine. */
  record Jsse(SSLContext context, TlsParameters parameters) implements ServerTlsContext {
    @Override
    public TlsConnection accept(Socket plain) throws IOException {
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(
          plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
      socket.setUseClientMode(false);
      parameters.applyTo(socket);
      socket.startHandshake();
      return new TlsConnection.OverSslSocket(socket);
    }
  }
}
