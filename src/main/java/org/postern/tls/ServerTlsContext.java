package org.postern.tls;

import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What a TLS server needs to upgrade a connection: the JSSE context with its key material, the
 * protocols and cipher suites the handshake may use, and, when it asks clients for a certificate
 * ({@code smtpd_tls_ask_ccert}), how it judges them.
 */
public record ServerTlsContext(SSLContext context, TlsParameters parameters,
    Optional<ClientCertificates> clientCertificates) {

  /** A server that does not ask for client certificates. */
  public ServerTlsContext(SSLContext context, TlsParameters parameters) {
    this(context, parameters, Optional.empty());
  }
}
