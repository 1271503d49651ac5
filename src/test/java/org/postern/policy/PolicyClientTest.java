package org.postern.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.postern.util.LineChannel;

class PolicyClientTest {
  private static final PolicyService.Defaults DEFAULTS = new PolicyService.Defaults(
      Duration.ofSeconds(100), Duration.ofSeconds(300), Duration.ofSeconds(1000), 0, 2,
      Duration.ofSeconds(1), "451 4.3.5 Server configuration problem", "");

  private final List<String> log = new ArrayList<>();
  private final List<Duration> pauses = new ArrayList<>();
  private Instant now = Instant.parse("2026-12-06T12:00:00Z");

  private PolicyClient client(String spec, ScriptedPolicyServer server) {
    Clock clock = new Clock() {
      @Override
      public Instant instant() {
        return now;
      }

      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    return new PolicyClient(PolicyService.parse(spec, DEFAULTS, Path.of("/var/spool/postfix")),
        server, clock, pauses::add);
  }

  private static SequencedMap<String, String> request(String recipient) {
    SequencedMap<String, String> a = new LinkedHashMap<>();
    a.put("request", "smtpd_access_policy");
    a.put("protocol_state", "RCPT");
    a.put("recipient", recipient);
    return a;
  }

  @Test
  void request_sendsAttributesInOrder_returnsAction() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DEFER_IF_PERMIT Try later")) {
      PolicyClient.Lease lease = client("inet:127.0.0.1:9998", server).lease();
      assertThat(lease.request(request("u@example.com"), log::add)).hasValue("DEFER_IF_PERMIT Try later");
      assertThat(server.requests().get(0).attributes()).containsExactly(
          java.util.Map.entry("request", "smtpd_access_policy"),
          java.util.Map.entry("protocol_state", "RCPT"),
          java.util.Map.entry("recipient", "u@example.com"));
      assertThat(log).isEmpty();
    }
  }

  @Test
  void request_valueWithLineEnd_cannotInjectAttributes() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      PolicyClient.Lease lease = client("inet:127.0.0.1:9998", server).lease();
      lease.request(request("u@example.com\naction=OK\n"), log::add);
      assertThat(server.requests().get(0).attributes()).doesNotContainKey("action")
          .containsEntry("recipient", "u@example.com?action=OK?");
    }
  }

  @Test
  void lease_keepsOneConnection_andPoolPassesItToTheNextSession() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      PolicyClient client = client("inet:127.0.0.1:9998", server);
      PolicyClient.Lease first = client.lease();
      first.request(request("a@example.com"), log::add);
      first.request(request("b@example.com"), log::add);
      first.close();
      PolicyClient.Lease second = client.lease();
      second.request(request("c@example.com"), log::add);
      assertThat(server.connections()).isEqualTo(1);
      assertThat(server.requests()).extracting(ScriptedPolicyServer.Request::connection)
          .containsExactly(1, 1, 1);
    }
  }

  @Test
  void lease_concurrentSessions_eachGetTheirOwnConnection() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      PolicyClient client = client("inet:127.0.0.1:9998", server);
      PolicyClient.Lease first = client.lease();
      PolicyClient.Lease second = client.lease();
      first.request(request("a@example.com"), log::add);
      second.request(request("b@example.com"), log::add);
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void requestLimit_closesAfterThatManyRequests() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      PolicyClient.Lease lease = client("{ inet:127.0.0.1:9998, request_limit=2 }", server).lease();
      for (int i = 0; i < 5; i++) {
        lease.request(request("a@example.com"), log::add);
      }
      assertThat(server.requests()).extracting(ScriptedPolicyServer.Request::connection)
          .containsExactly(1, 1, 2, 2, 3);
    }
  }

  @Test
  void maxIdle_reconnectsAfterIdleTime_butNotBefore() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      PolicyClient.Lease lease = client("{ inet:127.0.0.1:9998, max_idle=10s }", server).lease();
      lease.request(request("a@example.com"), log::add);
      now = now.plusSeconds(9);
      lease.request(request("a@example.com"), log::add);
      now = now.plusSeconds(10);
      lease.request(request("a@example.com"), log::add);
      assertThat(server.requests()).extracting(ScriptedPolicyServer.Request::connection)
          .containsExactly(1, 1, 2);
    }
  }

  @Test
  void maxTtl_reconnectsWhenTheConnectionIsTooOld_evenWhenBusy() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      PolicyClient.Lease lease = client("{ inet:127.0.0.1:9998, max_ttl=30s }", server).lease();
      for (int i = 0; i < 4; i++) {
        lease.request(request("a@example.com"), log::add);
        now = now.plusSeconds(10);
      }
      assertThat(server.requests()).extracting(ScriptedPolicyServer.Request::connection)
          .containsExactly(1, 1, 1, 2);
    }
  }

  @Test
  void pool_expiredIdleConnectionIsClosedNotReused() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      PolicyClient client = client("inet:127.0.0.1:9998", server);
      PolicyClient.Lease first = client.lease();
      first.request(request("a@example.com"), log::add);
      first.close();
      now = now.plusSeconds(300);
      client.lease().request(request("a@example.com"), log::add);
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void serverHangsUpAfterEachAnswer_keptConnectionReplacedWithoutATry() throws Exception {
    try (ScriptedPolicyServer server =
        new ScriptedPolicyServer(a -> "action=DUNNO\n\n" + ScriptedPolicyServer.HANG_UP)) {
      PolicyClient.Lease lease = client("inet:127.0.0.1:9998", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).hasValue("DUNNO");
      server.awaitHangUps(1);
      assertThat(lease.request(request("a@example.com"), log::add)).hasValue("DUNNO");
      assertThat(server.connections()).isEqualTo(2);
      assertThat(log).isEmpty();
      assertThat(pauses).isEmpty();
    }
  }

  @Test
  void serverHangsUpInsteadOfAnswering_retriedThenEmpty() throws Exception {
    try (ScriptedPolicyServer server = new ScriptedPolicyServer(a -> null)) {
      PolicyClient.Lease lease = client("inet:127.0.0.1:9998", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).isEmpty();
      assertThat(log).containsExactly(
          "warning: premature end-of-input on 127.0.0.1:9998 while reading input attribute name",
          "warning: premature end-of-input on 127.0.0.1:9998 while reading input attribute name",
          "warning: problem talking to server 127.0.0.1:9998: Success");
      assertThat(pauses).containsExactly(Duration.ofSeconds(1));
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void connectRefused_triesTryLimitTimes_thenEmptyWithPostfixWarnings() throws Exception {
    try (ScriptedPolicyServer server = ScriptedPolicyServer.answering("DUNNO")) {
      server.refuse();
      PolicyClient.Lease lease =
          client("{ inet:127.0.0.1:9998, try_limit=3, retry_delay=5s }", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).isEmpty();
      assertThat(log).containsExactly(
          "warning: connect to 127.0.0.1:9998: Connection refused",
          "warning: problem talking to server 127.0.0.1:9998: Connection refused",
          "warning: connect to 127.0.0.1:9998: Connection refused",
          "warning: problem talking to server 127.0.0.1:9998: Connection refused",
          "warning: connect to 127.0.0.1:9998: Connection refused",
          "warning: problem talking to server 127.0.0.1:9998: Connection refused");
      assertThat(pauses).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
  }

  @Test
  void reply_withoutAction_isRetriedThenFails() throws Exception {
    try (ScriptedPolicyServer server = new ScriptedPolicyServer(a -> "result=OK\n\n")) {
      PolicyClient.Lease lease = client("inet:127.0.0.1:9998", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).isEmpty();
      assertThat(log).containsExactly(
          "warning: missing attribute action in input from 127.0.0.1:9998",
          "warning: missing attribute action in input from 127.0.0.1:9998",
          "warning: problem talking to server 127.0.0.1:9998: Success");
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void reply_otherAttributesSkipped_firstActionWins() throws Exception {
    try (ScriptedPolicyServer server =
        new ScriptedPolicyServer(a -> "x=y\nno equals sign\naction=REJECT go away\naction=OK\n\n")) {
      PolicyClient.Lease lease = client("inet:127.0.0.1:9998", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).hasValue("REJECT go away");
    }
  }

  @Test
  void reply_overlongLine_isAFailedTry_neverUnbounded() throws Exception {
    String huge = "action=" + "A".repeat(LineChannel.MAX_LINE + 10) + "\n\n";
    try (ScriptedPolicyServer server = new ScriptedPolicyServer(a -> huge)) {
      PolicyClient.Lease lease = client("{ inet:127.0.0.1:9998, try_limit=1 }", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).isEmpty();
      assertThat(log).containsExactly("warning: problem talking to server 127.0.0.1:9998: policy server"
          + " 127.0.0.1:9998 line longer than " + LineChannel.MAX_LINE + " bytes");
    }
  }

  @Test
  void reply_endlessAttributes_isAFailedTry() throws Exception {
    String endless = "x=y\n".repeat(PolicyClient.MAX_REPLY_LINES + 1) + "action=OK\n\n";
    try (ScriptedPolicyServer server = new ScriptedPolicyServer(a -> endless)) {
      PolicyClient.Lease lease = client("{ inet:127.0.0.1:9998, try_limit=1 }", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).isEmpty();
      assertThat(log).contains("warning: reply from 127.0.0.1:9998 exceeds 100 lines");
    }
  }

  @Test
  void reply_malformedUtf8_warnsAndFailsWithoutRetry() throws Exception {
    try (ScriptedPolicyServer server = new ScriptedPolicyServer(a -> "action=REJECT \u00ff\u00fe\n\n")) {
      PolicyClient.Lease lease = client("inet:127.0.0.1:9998", server).lease();
      Optional<String> action = lease.request(request("a@example.com"), log::add);
      assertThat(action).isEmpty();
      assertThat(log).singleElement().asString()
          .startsWith("warning: malformed UTF-8 in policy server inet:127.0.0.1:9998 response: \"REJECT ");
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void reply_silentServer_timesOut() throws Exception {
    try (ScriptedPolicyServer server = new ScriptedPolicyServer(a -> "")) {
      PolicyClient.Lease lease =
          client("{ inet:127.0.0.1:9998, timeout=1s, try_limit=1 }", server).lease();
      assertThat(lease.request(request("a@example.com"), log::add)).isEmpty();
      assertThat(log).containsExactly(
          "warning: timeout on 127.0.0.1:9998 while reading input attribute name",
          "warning: problem talking to server 127.0.0.1:9998: Connection timed out");
    }
  }
}
