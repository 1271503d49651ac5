package org.postern.smtpd;

import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.postern.tls.ServerTlsContexts;

/**
 * Turns a plaintext client connection into a TLS server connection (STARTTLS, RFC 3207, or
 * wrapper mode on port 465), TLSv1.2 or TLSv1.3 only.
 *
 * <p>Failure: a failed handshake throws {@link IOException}; the conversation is then in an
 * unknown state and the session hangs up without a reply, as Postfix does.
 */
final class TlsUpgrade {
  private TlsUpgrade() {}

  static SSLSocket handshake(SSLContext context, Socket plain) throws IOException {
    SSLSocket tls =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    tls.setUseClientMode(false);
    List<String> supported = Arrays.asList(tls.getSupportedProtocols());
    tls.setEnabledProtocols(
        Arrays.stream(ServerTlsContexts.PROTOCOLS).filter(supported::contains).toArray(String[]::new));
    tls.startHandshake();
    return tls;
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
