package org.postern.tls;

import java.io.IOException;
import java.net.Socket;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
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

  /**
   * The JDK engine. JSSE caches every client session (a TLS 1.3 ticket arrives after the
   * handshake) and offers it to the same peer again; with {@code resume} false the context's
   * cache is emptied before each handshake, so none is offered.
   */
  record Jsse(SSLContext context, boolean resume) implements ClientTlsContext {
    /** A client that resumes no session. */
    public Jsse(SSLContext context) {
      this(context, false);
    }

    @Override
    public TlsConnection connect(Socket plain, String peerName, TlsParameters parameters)
        throws IOException {
      SSLSocket socket = (SSLSocket) context.getSocketFactory()
          .createSocket(plain, peerName, plain.getPort(), true);
      socket.setUseClientMode(true);
      parameters.applyTo(socket);
      if (!resume) {
        forgetSessions(context.getClientSessionContext());
      }
      socket.startHandshake();
      return new TlsConnection.OverSslSocket(socket);
    }

    private static void forgetSessions(SSLSessionContext sessions) {
      for (byte[] id : Collections.list(sessions.getIds())) {
        SSLSession session = sessions.getSession(id);
        if (session != null) {
          session.invalidate();
        }
      }
    }
  }
}
