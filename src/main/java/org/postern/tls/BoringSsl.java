package org.postern.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * What the BoringSSL engine shares between its server and client sides: whether the native
 * library loads, how a {@link TlsParameters} computed over JSSE's suites maps onto BoringSSL, the
 * engine's release, and the TLS 1.3 session ticket keys of smtpd.
 *
 * <p>Mapping: the protocols are those of the parameters that JSSE would enable too (with the
 * JDK's default {@code java.security}, TLSv1.2 and TLSv1.3), so that both engines answer to the
 * same {@code jdk.tls.disabledAlgorithms}; the suites are those of the parameters BoringSSL has
 * (it lacks the {@code DHE} and the CBC {@code SHA256}/{@code SHA384} suites). When no TLS 1.2
 * suite is left, TLS 1.2 and older are dropped rather than offered without a suite.
 *
 * <p>Ticket keys: one set per JVM, rotated every hour (Postfix's default {@code
 * smtpd_tls_session_cache_timeout}), the previous key still accepted, so every smtpd listener,
 * and one rebuilt by a reload, resumes the tickets of the others, and a ticket lives at most two
 * hours.
 *
 * <p>Failure: {@link #unavailable} says why the native library does not load (another platform, a
 * {@code java.io.tmpdir} mounted {@code noexec}); {@link #parameters} throws {@link
 * TlsConfigException} when nothing of the parameters is left for BoringSSL.
 */
final class BoringSsl {
  static final Duration TICKET_KEY_LIFETIME = Duration.ofHours(1);
  private static final String UNPACKED = "the library is unpacked into java.io.tmpdir, or"
      + " io.netty.native.workdir, and run from there: a noexec mount stops it";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static OpenSslSessionTicketKey[] ticketKeys;
  private static long ticketKeysSince;

  private BoringSsl() {}

  /** The protocols and suites of a BoringSSL handshake. */
  record Enabled(String[] protocols, String[] suites) {}

  /** Why BoringSSL cannot run in this JVM, if it cannot. */
  static Optional<String> unavailable() {
    try {
      // Netty would log through java.util.logging on stderr (it refuses SLF4J's no-op binding
      // when it picks a logger itself); Postern logs what matters in its own words.
      InternalLoggerFactory.setDefaultFactory(Slf4JLoggerFactory.INSTANCE);
      if (OpenSsl.isAvailable()) {
        return Optional.empty();
      }
      Throwable cause = OpenSsl.unavailabilityCause();
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      return Optional.of(why + " (" + UNPACKED + ")");
    } catch (LinkageError e) {
      return Optional.of(e.toString());
    }
  }

  /** What BoringSSL is to enable for {@code parameters}. */
  static Enabled parameters(TlsParameters parameters) throws TlsConfigException {
    Set<String> jsseProtocols = jsseEnabledProtocols();
    Set<String> available = OpenSsl.availableJavaCipherSuites();
    List<String> suites = new ArrayList<>();
    boolean legacySuite = false;
    for (String s : parameters.cipherSuites()) {
      if (available.contains(s)) {
        suites.add(s);
        legacySuite |= !s.startsWith("TLS_AES_") && !s.startsWith("TLS_CHACHA20_");
      }
    }
    List<String> protocols = new ArrayList<>();
    for (String p : parameters.protocols()) {
      if (jsseProtocols.contains(p) && (legacySuite || p.equals("TLSv1.3"))) {
        protocols.add(p);
      }
    }
    if (protocols.isEmpty()) {
      throw new TlsConfigException("protocols " + parameters.protocols() + " with suites "
          + parameters.cipherSuites() + ": nothing that BoringSSL can use");
    }
    return new Enabled(protocols.toArray(String[]::new), suites.toArray(String[]::new));
  }

  private static Set<String> jsseEnabledProtocols() throws TlsConfigException {
    try {
      return Set.of(SSLContext.getDefault().getDefaultSSLParameters().getProtocols());
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  static void enable(SSLEngine engine, Enabled enabled) {
    engine.setEnabledProtocols(enabled.protocols());
    engine.setEnabledCipherSuites(enabled.suites());
  }

  /** Frees the engine's native memory now rather than when it is collected. */
  static Runnable release(SSLEngine engine) {
    return () -> ReferenceCountUtil.release(engine);
  }

  /** The ticket keys in force now, the newest first; a new array when they rotated. */
  static synchronized OpenSslSessionTicketKey[] ticketKeys() {
    long now = System.nanoTime();
    if (ticketKeys == null) {
      ticketKeys = new OpenSslSessionTicketKey[] {newTicketKey()};
      ticketKeysSince = now;
    } else if (now - ticketKeysSince >= TICKET_KEY_LIFETIME.toNanos()) {
      ticketKeys = new OpenSslSessionTicketKey[] {newTicketKey(), ticketKeys[0]};
      ticketKeysSince = now;
    }
    return ticketKeys;
  }

  private static OpenSslSessionTicketKey newTicketKey() {
    byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
    byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
    byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
    RANDOM.nextBytes(name);
    RANDOM.nextBytes(hmac);
    RANDOM.nextBytes(aes);
    return new OpenSslSessionTicketKey(name, hmac, aes);
  }
}
