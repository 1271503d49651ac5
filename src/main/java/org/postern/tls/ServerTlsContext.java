package org.postern.tls;

import javax.net.ssl.SSLContext;

/**
 * What a TLS server needs to upgrade a connection: the JSSE context with its key material and
 * the protocols and cipher suites the handshake may use.
 */
public record ServerTlsContext(SSLContext context, TlsParameters parameters) {}
