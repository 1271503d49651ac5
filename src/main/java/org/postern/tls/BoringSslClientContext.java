package org.postern.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The SMTP and LMTP clients' TLS on BoringSSL: one Netty {@code OpenSslClientContext} whose trust
 * manager accepts every chain during the handshake (the level's check follows it, as with the
 * JDK engine), an {@code OpenSslEngine} per session created for the server's name and port, so
 * that SNI names it (when it is a host name, not an address), with the protocols and suites of
 * the session's level or policy entry ({@link BoringSsl#parameters}). With client keys ({@code
 * smtp_tls_cert_file} and the like) it presents one to a server that asks, through the same key
 * manager as the JDK engine.
 *
 * <p>Sessions are resumed only when the transport keeps a session cache ({@code
 * smtp_tls_session_cache_database}, {@link org.postern.smtp}'s settings), per server name and
 * port, each transport in its own context. A resumed session still carries the chain its first
 * handshake presented (BoringSSL keeps it in the session), and the level's check runs on it
 * again after every handshake, as Postfix re-checks a session from its cache: resumption saves
 * the signature and the chain's transfer, never the check.
 *
 * <p>Failure: {@link TlsConfigException} when the context cannot be built; a failed handshake,
 * or parameters BoringSSL cannot use, throw {@link SSLException}.
 */
final class BoringSslClientContext implements ClientTlsContext {
  private final SslContext context;

  /** A client that presents no certificate and resumes no session. */
  BoringSslClientContext() throws TlsConfigException {
    this(Optional.empty(), Optional.empty());
  }

  /**
   * A client presenting {@code keys} to servers that ask, keeping sessions resumable for {@code
   * sessionCache} (none kept when empty).
   */
  BoringSslClientContext(Optional<X509ExtendedKeyManager> keys, Optional<Duration> sessionCache)
      throws TlsConfigException {
    try {
      SslContextBuilder builder = SslContextBuilder.forClient()
          .sslProvider(SslProvider.OPENSSL)
          .trustManager(new ClientTlsContexts.DeferredCheck())
          .endpointIdentificationAlgorithm(null);
      keys.ifPresent(builder::keyManager);
      this.context = builder.build();
      OpenSslSessionContext sessions = (OpenSslSessionContext) context.sessionContext();
      sessions.setSessionCacheEnabled(sessionCache.isPresent());
      sessionCache.ifPresent(t -> sessions.setSessionTimeout((int) t.toSeconds()));
    } catch (SSLException | RuntimeException e) {
      throw new TlsConfigException("cannot build client TLS context (BoringSSL): "
          + e.getMessage(), e);
    }
  }

  @Override
  public TlsConnection connect(Socket plain, String peerName, TlsParameters parameters)
      throws IOException {
    BoringSsl.Enabled enabled;
    try {
      enabled = BoringSsl.parameters(parameters);
    } catch (TlsConfigException e) {
      throw new SSLException(e.getMessage(), e);
    }
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT, peerName, plain.getPort());
    try {
      BoringSsl.enable(engine, enabled);
    } catch (RuntimeException e) {
      BoringSsl.release(engine).run();
      throw new SSLException(e.getMessage(), e);
    }
    return SslEngineConnection.handshake(plain, engine, BoringSsl.release(engine));
  }
}
