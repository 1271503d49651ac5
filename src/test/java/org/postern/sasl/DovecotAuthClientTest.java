package org.postern.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.util.LineChannel;

class DovecotAuthClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static DovecotAuthClient.Request plain(Optional<String> resp, boolean secured) {
    return new DovecotAuthClient.Request("PLAIN", "smtp", "127.0.0.1", "192.0.2.7", secured, resp);
  }

  @Test
  void connect_dovecotGreeting_learnsMechanismsAndSendsVersionAndCpid() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tcram-md5\tdictionary\tactive\n"
          + "MECH\tGSSAPI\tprivate\nMECH\tANONYMOUS\tanonymous\nSPID\t1\nCUID\t2\nCOOKIE\tab\nDONE\n");
      DovecotAuthClient client = server.client(TIMEOUT);
      assertThat(client.mechanisms()).containsExactly(
          new Mechanism("PLAIN", Set.of("plaintext")),
          new Mechanism("CRAM-MD5", Set.of("dictionary", "active")),
          new Mechanism("ANONYMOUS", Set.of("anonymous")));
      assertThat(server.heard()).isEqualTo("VERSION\t1\t2\nCPID\t99\n");
    }
  }

  @Test
  void connect_otherMajorVersion_throws() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("VERSION\t2\t0\nDONE\n");
      assertThatThrownBy(() -> server.client(TIMEOUT)).hasMessageContaining("version mismatch (2 vs. 1)");
    }
  }

  @Test
  void connect_doneWithoutVersion_throws() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("MECH\tPLAIN\tplaintext\nDONE\n");
      assertThatThrownBy(() -> server.client(TIMEOUT)).hasMessageContaining("Protocol version error");
    }
  }

  @Test
  void connect_serverClosesBeforeDone_throwsEof() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("VERSION\t1\t2\nMECH\tPLAIN\tplaintext\n").hangUp();
      assertThatThrownBy(() -> server.client(TIMEOUT)).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void connect_silentServer_timesOutWithinTheDeadline() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("VERSION\t1\t2\n");
      long start = System.nanoTime();
      assertThatThrownBy(() -> server.client(Duration.ofMillis(300))).isInstanceOf(SocketTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void connect_endlessUnknownLines_throws() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("VERSION\t1\t2\n" + "NOISE\n".repeat(DovecotAuthClient.MAX_SKIPPED + 5));
      assertThatThrownBy(() -> server.client(TIMEOUT)).hasMessageContaining("no DONE");
    }
  }

  @Test
  void connect_overlongLine_throws() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("VERSION\t1\t2\nMECH\t" + "A".repeat(LineChannel.MAX_LINE + 1) + "\nDONE\n");
      assertThatThrownBy(() -> server.client(TIMEOUT)).hasMessageContaining("longer than");
    }
  }

  @Test
  void connect_badMechanismName_isSkipped() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      server.say("VERSION\t1\t2\nMECH\tPLAIN LOGIN\tplaintext\nMECH\t\nMECH\tLOGIN\nDONE\n");
      assertThat(server.client(TIMEOUT).mechanisms()).containsExactly(new Mechanism("LOGIN", Set.of()));
    }
  }

  @Test
  void begin_ok_returnsUserAndSendsPostfixShapedRequest() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.heard();
      server.say("OK\t1\tuser=alice\n");
      assertThat(client.begin(plain(Optional.of("AGFsaWNlAHNlY3JldA=="), true)))
          .isEqualTo(new AuthStep.Success("alice"));
      assertThat(server.heard()).isEqualTo(
          "AUTH\t1\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1\trip=192.0.2.7\tsecured\tresp=AGFsaWNlAHNlY3JldA==\n");
    }
  }

  @Test
  void begin_emptyInitialResponse_sendsEmptyResp() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.heard();
      server.say("CONT\t1\t\n");
      assertThat(client.begin(plain(Optional.of(""), false))).isEqualTo(new AuthStep.Challenge(""));
      assertThat(server.heard()).endsWith("rip=192.0.2.7\tresp=\n");
    }
  }

  @Test
  void begin_failWithReason_returnsFailure() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.say("FAIL\t1\tuser=bob\treason=Password expired\n");
      assertThat(client.begin(plain(Optional.empty(), false)))
          .isEqualTo(new AuthStep.Failure("Password expired", "bob"));
    }
  }

  @Test
  void begin_failTemp_returnsTemporaryFailure() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.say("FAIL\t1\ttemp\treason=passdb down\n");
      assertThat(client.begin(plain(Optional.empty(), false)))
          .isEqualTo(new AuthStep.TemporaryFailure("passdb down"));
    }
  }

  @Test
  void begin_okWithNologin_isARefusal() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.say("OK\t1\tuser=carol\tnologin\treason=Account disabled\n");
      assertThat(client.begin(plain(Optional.empty(), false)))
          .isEqualTo(new AuthStep.Failure("Account disabled", "carol"));
    }
  }

  @Test
  void begin_okWithoutUser_throwsAndConnectionIsUnusable() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.say("OK\t1\n");
      assertThatThrownBy(() -> client.begin(plain(Optional.empty(), false))).hasMessageContaining("without user");
      assertThat(client.usable()).isFalse();
    }
  }

  @Test
  void begin_controlCharactersInUser_becomeQuestionMarks() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.say("OK\t1\tuser=ev\u0001il\r\n");
      assertThat(client.begin(plain(Optional.empty(), false))).isEqualTo(new AuthStep.Success("ev?il"));
    }
  }

  @Test
  void begin_repliesForOtherIdsAndUnknownLines_areSkipped() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.say("OK\t7\tuser=mallory\nWHATEVER\nFAIL\nOK\t1\tuser=alice\n");
      assertThat(client.begin(plain(Optional.empty(), false))).isEqualTo(new AuthStep.Success("alice"));
    }
  }

  @Test
  void proceed_challengeThenOk_usesTheSameIdAndTheNextRequestANewOne() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.heard();
      server.say("CONT\t1\tVXNlcm5hbWU6\n");
      assertThat(client.begin(new DovecotAuthClient.Request(
              "LOGIN", "smtp", "127.0.0.1", "192.0.2.7", false, Optional.empty())))
          .isEqualTo(new AuthStep.Challenge("VXNlcm5hbWU6"));
      server.say("FAIL\t1\n");
      assertThat(client.proceed("YWxpY2U=")).isEqualTo(new AuthStep.Failure("", ""));
      server.say("OK\t2\tuser=alice\n");
      assertThat(client.begin(plain(Optional.of("AA=="), false))).isInstanceOf(AuthStep.Success.class);
      assertThat(server.heard()).contains("CONT\t1\tYWxpY2U=\n").contains("AUTH\t2\tPLAIN\t");
    }
  }

  @Test
  void begin_challengeNotBase64_throws() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.say("CONT\t1\t334 injected\n");
      assertThatThrownBy(() -> client.begin(plain(Optional.empty(), false))).hasMessageContaining("not base64");
      assertThat(client.usable()).isFalse();
    }
  }

  @Test
  void begin_serverClosesMidExchange_throwsAndLaterRequestsFailFast() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(TIMEOUT);
      server.hangUp();
      assertThatThrownBy(() -> client.begin(plain(Optional.empty(), false))).isInstanceOf(IOException.class);
      assertThat(client.usable()).isFalse();
      assertThatThrownBy(() -> client.proceed("AA==")).hasMessageContaining("already failed");
    }
  }

  @Test
  void begin_serverStalls_timesOut() throws Exception {
    try (ScriptedAuthServer server = new ScriptedAuthServer()) {
      DovecotAuthClient client = server.say(ScriptedAuthServer.GREETING).client(Duration.ofMillis(300));
      server.say("OK\t1");
      assertThatThrownBy(() -> client.begin(plain(Optional.empty(), false)))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }
}
