package org.postern.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One established TLS connection over a blocking socket, whichever engine made it: the
 * plaintext streams, the negotiated session (protocol, cipher suite, peer certificates, for the
 * {@code TLS connection established} log lines and the certificate checks) and the close that
 * sends {@code close_notify} and closes the socket under it.
 *
 * <p>Failure: reads and writes throw {@link IOException} as the socket's streams do (a read
 * timeout is a {@link java.net.SocketTimeoutException}); {@link #close} never throws for a
 * connection that is already broken.
 */
public sealed interface TlsConnection extends AutoCloseable
    permits TlsConnection.OverSslSocket, SslEngineConnection {
  InputStream input() throws IOException;

  OutputStream output() throws IOException;

  SSLSession session();

  @Override
  void close();

  /** The JDK engine: JSSE's own socket layered over the plain one. */
  record OverSslSocket(SSLSocket socket) implements TlsConnection {
    @Override
    public InputStream input() throws IOException {
      return socket.getInputStream();
    }

    @Override
    public OutputStream output() throws IOException {
      return socket.getOutputStream();
    }

    @Override
    public SSLSession session() {
      return socket.getSession();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // The peer is gone; closing the plain socket under it is all that was left to do.
      }
    }
  }
}
