package org.postern.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * smtpd's TLS server on BoringSSL: one Netty {@code OpenSslServerContext} per listener with the
 * certificate chain and key, an {@code OpenSslEngine} per connection driven by {@link
 * SslEngineConnection}. TLS 1.3 clients get session tickets under {@link BoringSsl#ticketKeys},
 * so a client that comes back (Postfix's SMTP client does) resumes without a signature and key
 * exchange. With {@link ClientCertificates} ({@code smtpd_tls_ask_ccert}) the client is asked
 * for a certificate ({@code ClientAuth.OPTIONAL}) with the same recording trust manager as under
 * the JDK engine: every chain passes the handshake, the session keeps it for the verdict.
 *
 * <p>Failure: a key or chain BoringSSL refuses, or parameters it cannot use, throw {@link
 * TlsConfigException} at start; a failed handshake throws {@link SSLException}.
 */
final class BoringSslServerContext implements ServerTlsContext {
  private static final byte[] ASKS_CLIENT_CERTIFICATES =
      "postern smtpd ask_ccert".getBytes(StandardCharsets.US_ASCII);
  private final SslContext context;
  private final TlsParameters parameters;
  private final Optional<ClientCertificates> clientCertificates;
  private final BoringSsl.Enabled enabled;
  private OpenSslSessionTicketKey[] ticketKeys;

  /** A server that does not ask for client certificates. */
  BoringSslServerContext(PemKeyMaterial material, TlsParameters parameters)
      throws TlsConfigException {
    this(material, parameters, Optional.empty());
  }

  BoringSslServerContext(PemKeyMaterial material, TlsParameters parameters,
      Optional<ClientCertificates> clientCertificates) throws TlsConfigException {
    this.parameters = parameters;
    this.clientCertificates = clientCertificates;
    this.enabled = BoringSsl.parameters(parameters);
    try {
      SslContextBuilder builder = SslContextBuilder.forServer(material.key(), material.chain())
          .sslProvider(SslProvider.OPENSSL)
          .sessionTimeout(2 * BoringSsl.TICKET_KEY_LIFETIME.toSeconds());
      if (clientCertificates.isPresent()) {
        builder.clientAuth(ClientAuth.OPTIONAL)
            .trustManager(clientCertificates.get().trustManager());
      }
      this.context = builder.build();
      if (clientCertificates.isPresent()) {
        // A ticket from a listener that did not ask carries no client certificate: it must not
        // resume here, as Postfix's session id context differs with smtpd_tls_ask_ccert.
        ((OpenSslServerSessionContext) context.sessionContext())
            .setSessionIdContext(ASKS_CLIENT_CERTIFICATES);
      }
    } catch (SSLException | RuntimeException e) {
      throw new TlsConfigException("cannot build server TLS context (BoringSSL): "
          + e.getMessage(), e);
    }
    installTicketKeys();
  }

  @Override
  public TlsParameters parameters() {
    return parameters;
  }

  @Override
  public Optional<ClientCertificates> clientCertificates() {
    return clientCertificates;
  }

  @Override
  public TlsConnection accept(Socket plain) throws IOException {
    installTicketKeys();
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
    try {
      BoringSsl.enable(engine, enabled);
    } catch (RuntimeException e) {
      BoringSsl.release(engine).run();
      throw new SSLException(e.getMessage(), e);
    }
    return SslEngineConnection.handshake(plain, engine, BoringSsl.release(engine));
  }

  /** Hands the context the current keys when they rotated since it last took them. */
  private synchronized void installTicketKeys() {
    OpenSslSessionTicketKey[] now = BoringSsl.ticketKeys();
    if (now != ticketKeys) {
      ((OpenSslServerSessionContext) context.sessionContext()).setTicketKeys(now);
      ticketKeys = now;
    }
  }
}
