package org.postern.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * smtpd's TLS server on BoringSSL: one Netty {@code OpenSslServerContext} per listener with the
 * certificate chain and key, an {@code OpenSslEngine} per connection driven by {@link
 * SslEngineConnection}. TLS 1.3 clients get session tickets under {@link BoringSsl#ticketKeys},
 * so a client that comes back (Postfix's SMTP client does) resumes without a signature and key
 * exchange. No client certificate is asked for, as with {@code smtpd_tls_ask_ccert = no}.
 *
 * <p>Failure: a key or chain BoringSSL refuses, or parameters it cannot use, throw {@link
 * TlsConfigException} at start; a failed handshake throws {@link SSLException}.
 */
final class BoringSslServerContext implements ServerTlsContext {
  private final SslContext context;
  private final TlsParameters parameters;
  private final BoringSsl.Enabled enabled;
  private OpenSslSessionTicketKey[] ticketKeys;

  BoringSslServerContext(PemKeyMaterial material, TlsParameters parameters)
      throws TlsConfigException {
    this.parameters = parameters;
    this.enabled = BoringSsl.parameters(parameters);
    try {
      this.context = SslContextBuilder.forServer(material.key(), material.chain())
          .sslProvider(SslProvider.OPENSSL)
          .sessionTimeout(2 * BoringSsl.TICKET_KEY_LIFETIME.toSeconds())
          .build();
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
