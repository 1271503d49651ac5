package org.postern.tls;

import java.io.IOException;
import java.net.Socket;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * What a TLS server (smtpd's STARTTLS and wrapper mode) needs to upgrade an accepted connection:
 * the engine with its key material, the protocols and cipher suites the handshake may use, and,
 * when it asks clients for a certificate ({@code smtpd_tls_ask_ccert}), how it judges them.
 * {@link ServerTlsContexts#create(PemKeyMaterial, TlsParameters, Optional)} makes one for the
 * engine that {@code postern_tls_provider} chose ({@link TlsEngine}).
 *
 * <p>Failure: {@link #accept} throws {@link IOException} when the handshake fails (a client that
 * offers no allowed protocol or suite); the caller still owns and closes the plain socket. A
 * client certificate never fails it: {@link ClientCertificates} judges it afterwards.
 */
public sealed interface ServerTlsContext permits ServerTlsContext.Jsse, BoringSslServerContext {
  /** Runs the server side of the handshake over {@code plain}, which the connection then owns. */
  TlsConnection accept(Socket plain) throws IOException;

  /** The protocols and suites this server allows. */
  TlsParameters parameters();

  /** How client certificates are judged, when the server asks for them. */
  Optional<ClientCertificates> clientCertificates();

  /** The JDK engine. */
  record Jsse(SSLContext context, TlsParameters parameters,
      Optional<ClientCertificates> clientCertificates) implements ServerTlsContext {
    /** A server that does not ask for client certificates. */
    public Jsse(SSLContext context, TlsParameters parameters) {
      this(context, parameters, Optional.empty());
    }

    @Override
    public TlsConnection accept(Socket plain) throws IOException {
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(
          plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
      socket.setUseClientMode(false);
      parameters.applyTo(socket);
      socket.setWantClientAuth(clientCertificates.isPresent());
      socket.startHandshake();
      return new TlsConnection.OverSslSocket(socket);
    }
  }
}
