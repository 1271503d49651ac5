package org.postern.smtpd;

import java.io.IOException;
import java.net.Socket;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.postern.tls.ClientCertificate;
import org.postern.tls.ServerTlsContext;
import org.postern.tls.TlsConnection;

/**
 * Turns a plaintext client connection into a TLS server connection (STARTTLS, RFC 3207, or
 * wrapper mode on port 465), with the engine {@code postern_tls_provider} chose and the protocols
 * and cipher suites that {@code smtpd_tls_protocols} and {@code smtpd_tls_ciphers} allow (their {@code mandatory} forms at {@code
 * smtpd_tls_security_level = encrypt} and in wrapper mode; see org.postern.tls.TlsHandshakeSettings).
 *
 * <p>With {@code smtpd_tls_ask_ccert} (or a required certificate) the client is asked for its
 * certificate, under either engine; the handshake goes on without one, and the certificate the
 * connection's session holds is judged afterwards.
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

  static Envelope.Tls describe(ServerTlsContext tls, SSLSession session) {
    String cipher = session.getCipherSuite();
    Optional<ClientCertificate> certificate =
        tls.clientCertificates().flatMap(c -> c.peer(session));
    return new Envelope.Tls(session.getProtocol(), cipher, bits(cipher),
        tls.clientCertificates().isPresent(), certificate);
  }

  /**
   * The TLS summary Postfix logs at {@code smtpd_tls_loglevel} 1: "Trusted" for a client
   * certificate that verified, "Untrusted" for one that did not, "Anonymous" without one.
   */
  static String summary(Envelope.Tls t, String namaddr) {
    String kind =
        t.clientCertificate().isEmpty() ? "Anonymous" : t.trusted() ? "Trusted" : "Untrusted";
    return kind + " TLS connection established from " + namaddr + ": " + t.protocol()
        + " with cipher " + t.cipher() + " (" + t.cipherBits() + "/" + t.cipherBits() + " bits)";
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
