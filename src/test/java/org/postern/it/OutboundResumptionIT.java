package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP client's TLS session cache ({@code smtp_tls_session_cache_database}, {@code
 * smtp_tls_session_cache_timeout}) against Debian's Postfix as the receiving server, which logs
 * {@code Reusing old session} for each session resumed from its ticket ({@code
 * smtpd_tls_loglevel = 2}). With the cache off (Postfix's default) no delivery resumes; with it
 * on, later deliveries resume, and every one is still checked at the {@code secure} level (a
 * resumed session's chain is matched again, so {@code tls=secure} on each), under both engines.
 */
class OutboundResumptionIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final Pattern REUSED = Pattern.compile("Reusing old session");
  @TempDir static Path dir;
  private static PostfixServer postfix;
  private static TestPki pki;
  private static int port;
  private PosternInstance postern;

  @BeforeAll
  static void startPostfix() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.peer.test");
    port = PosternInstance.freePort();
    postfix = PostfixServer.start(dir, dir.resolve("postfix"), "mx.peer.test",
        List.of("nocache.test", "cache.test"), mx, "127.0.0.1", Map.of(port, true),
        List.of("smtpd_tls_loglevel = 2"), List.of());
  }

  @AfterAll
  static void stopPostfix() throws Exception {
    if (postfix != null) {
      postfix.stop();
    }
  }

  @AfterEach
  void stopPostern() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"boringssl", "jdk"})
  void sessionCache_onlyWhenConfigured_resumedSessionsStillChecked(String engine)
      throws Exception {
    Path transport = dir.resolve("transport-" + engine);
    Files.writeString(transport, String.join("\n",
        "nocache.test tnocache:[127.0.0.1]:" + port,
        "cache.test tcache:[127.0.0.1]:" + port, ""));
    postern = PosternInstance.create(dir.resolve("postern-" + engine), String.join("\n",
        "myhostname = client.test", "mydestination = localhost", "mynetworks = 127.0.0.0/8",
        "defer_transports =", "transport_maps = texthash:" + transport,
        "postern_tls_provider = " + engine,
        "smtp_tls_CAfile = " + pki.caCert(), "smtp_tls_security_level = secure",
        "smtp_tls_secure_cert_match = mx.peer.test", ""));
    postern.appendMasterCf(String.join("\n",
        "tnocache unix - - n - - smtp",
        "tcache unix - - n - - smtp",
        "  -o smtp_tls_session_cache_database=lmdb:" + dir.resolve("scache-" + engine), ""));
    postern.startAndAwaitSmtp();
    int before = postfix.log().split(REUSED.pattern(), -1).length - 1;

    deliverThree("nocache.test");
    int afterNoCache = postfix.log().split(REUSED.pattern(), -1).length - 1;
    deliverThree("cache.test");
    int afterCache = postfix.log().split(REUSED.pattern(), -1).length - 1;

    assertThat(afterNoCache).as(postfix.log()).isEqualTo(before);
    assertThat(afterCache).as(postfix.log()).isGreaterThan(afterNoCache);
  }

  private void deliverThree(String domain) throws Exception {
    for (int i = 0; i < 3; i++) {
      String id = Submit.swaks(postern, "sender@client.test", "box@" + domain);
      String line = postern.awaitLog(Pattern.compile(
          "(" + id + ": to=<box@" + Pattern.quote(domain) + ">, .*status=\\S+ .*)"), LIMIT);
      assertThat(line).contains(", tls=secure,").contains("status=sent");
    }
  }
}
