package org.postern.smtpd;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSession;
import org.postern.tls.ServerTlsContext;
import org.postern.tls.TlsConnection;

/**
 * Turns a plaintext client connection into a TLS server connection (STARTTLS, RFC 3207, or
 * wrapper mode on port 465), with the engine postern_tls_provider chose and the protocols and cipher suites that {@code smtpd_tls_protocols}
 * and {@code smtpd_tls_ciphers} allow (their {@code mandatory} forms at {@code
 * smtpd_tls_security_level = encrypt} and in wrapper mode; see org.postern.tls.TlsHandshakeSettings).
 *
 * <p>Failure: a failed handshake (a client that offers no allowed protocol or cipher suite
 * among them) throws {@link IOException}; the conversation is then in an unknown state and the
 * session hangs up without a reply, as Postfix does.
 */
final class TlsUpgrade {
  private TlsUpgrade() {}

  static TlsConnection handshake(ServerTlsContext tls, Socket plain) throws IOException {
    return tls.accept(plain);
  }

  static Envelope.Tls describe(SSLSession session) {
    String cipher = session.getCipherSuite();
    return new Envelope.Tls(session.getProtocol(), cipher, bits(cipher));
  }

  /** The symmetric key size the cipher suite name announces. */
  static int bits(String cipher) {
    if (cipher.contains("_256") || cipher.contains("CHACHA20")) {
      return 256;
    }
    if (cipher.contains("_128")) {
      return 128;
    }
    return 0;
  }
}
