package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.tls.TlsSecurityLevel;

class ConnectionCacheTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final ConnectionCache.Key KEY =
      new ConnectionCache.Key("smtp", "[relay.example]", TlsSecurityLevel.NONE, "", false);

  private ScriptedSmtpServer server;

  @BeforeEach
  void start() throws Exception {
    server = ScriptedSmtpServer.tcp();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private SmtpSession session(int uses) throws Exception {
    SmtpConnection c = SmtpConnection.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), Duration.ZERO);
    return new SmtpSession(c, Server.inet("relay.example", InetAddress.getLoopbackAddress(),
        server.port(), false, true), Map.of(), TlsStatus.undecided(TlsSecurityLevel.NONE), false,
        false, false, NOW, uses, CertificateCheck.NOT_CONNECTED);
  }

  private static ConnectionCache cache(int reuseCountLimit) {
    return new ConnectionCache(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(2),
        Duration.ofSeconds(300), reuseCountLimit, Duration.ofMillis(100));
  }

  @Test
  void put_concurrentDeliveriesReturnSessions_allKeptAndHandedOutMostRecentFirst()
      throws Exception {
    try (ConnectionCache cache = cache(0)) {
      SmtpSession first = session(1);
      SmtpSession second = session(1);
      cache.put(KEY, first);
      cache.put(KEY, second);

      assertThat(cache.take(KEY)).containsSame(second);
      assertThat(cache.take(KEY)).containsSame(first);
      assertThat(cache.take(KEY)).isEmpty();
    }
  }

  @Test
  void put_reuseCountLimit_countsReusesNotTransactions() throws Exception {
    try (ConnectionCache cache = cache(1)) {
      SmtpSession fresh = session(1);
      cache.put(KEY, fresh);
      assertThat(cache.take(KEY)).containsSame(fresh);

      SmtpSession reusedOnce = session(2);
      cache.put(KEY, reusedOnce);
      assertThat(cache.take(KEY)).isEmpty();
    }
  }

  @Test
  void take_otherKey_neverGetsTheSession() throws Exception {
    try (ConnectionCache cache = cache(0)) {
      cache.put(KEY, session(1));

      assertThat(cache.take(new ConnectionCache.Key("smtp", "[relay.example]",
          TlsSecurityLevel.NONE, "enforce", false))).isEmpty();
      assertThat(cache.take(new ConnectionCache.Key("smtp", "[relay.example]",
          TlsSecurityLevel.NONE, "", true))).isEmpty();
      assertThat(cache.take(KEY)).isPresent();
    }
  }
}
