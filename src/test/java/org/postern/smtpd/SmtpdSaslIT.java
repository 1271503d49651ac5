package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SMTP AUTH dialogues against a real smtpd and a scripted Dovecot auth service on a UNIX socket. */
class SmtpdSaslIT {
  private static final String CLIENT = "127.0.73.9";
  private static final String GOOD = ScriptedDovecotAuth.plainResponse("alice", "secret");
  private static final String BAD = ScriptedDovecotAuth.plainResponse("alice", "wrong");
  private static final String BANNER = "S: 220 mx.test ESMTP Postern\n";

  @TempDir static Path dir;
  private static TestCertificates certs;
  private ScriptedDovecotAuth dovecot;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "RSA");
  }

  @BeforeEach
  void startAuth() throws Exception {
    dovecot = new ScriptedDovecotAuth(dir.resolve("auth"));
  }

  @AfterEach
  void stopAuth() throws Exception {
    dovecot.close();
  }

  private SmtpdFixture server(Map<String, String> overrides) throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("smtpd_sasl_auth_enable", "yes");
    p.put("smtpd_sasl_type", "dovecot");
    p.put("smtpd_sasl_path", dovecot.socket().toString());
    p.putAll(overrides);
    return new SmtpdFixture(certs, p);
  }

  private static String ehlo(String auth) {
    return """
        C: EHLO client.test
        S: 250-mx.test
        S: 250-PIPELINING
        S: 250-SIZE 10240000
        S: 250-VRFY
        S: 250-ETRN
        S: 250-STARTTLS
        """ + auth + """
        S: 250-ENHANCEDSTATUSCODES
        S: 250-8BITMIME
        S: 250-DSN
        S: 250-SMTPUTF8
        S: 250 CHUNKING
        """;
  }

  @Test
  void ehlo_authEnabled_announcesDovecotMechanismsWithoutAnonymous() throws Exception {
    try (SmtpdFixture s = server(Map.of("broken_sasl_auth_clients", "yes"));
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\nS: 250-AUTH=PLAIN LOGIN CRAM-MD5\n"));
    }
  }

  @Test
  void ehlo_noplaintextBeforeTls_withholdsPlainAndLoginUntilStarttls() throws Exception {
    try (SmtpdFixture s = server(Map.of(
            "smtpd_sasl_security_options", "noanonymous, noplaintext",
            "smtpd_sasl_tls_security_options", "noanonymous"));
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH CRAM-MD5\n") + """
          C: AUTH PLAIN %s
          S: 535 5.7.8 Error: authentication failed: Invalid authentication mechanism
          C: STARTTLS
          S: 220 2.0.0 Ready to start TLS
          TLS
          C: EHLO client.test
          S: 250-mx.test
          S: 250-PIPELINING
          S: 250-SIZE 10240000
          S: 250-VRFY
          S: 250-ETRN
          S: 250-AUTH PLAIN LOGIN CRAM-MD5
          S~ 250-ENHANCEDSTATUSCODES
          S~ .*
          S~ .*
          S~ .*
          S~ .*
          S: 250 REQUIRETLS
          C: AUTH PLAIN %s
          S: 235 2.7.0 Authentication successful
          """.formatted(GOOD, GOOD));
      assertThat(dovecot.requests).anyMatch(r -> r.contains("\tsecured\t"));
    }
  }

  @Test
  void auth_goodPassword_relaysLogsUserAndWritesEsmtpsaHeader() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_sasl_authenticated_header", "yes"));
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\n") + """
          C: STARTTLS
          S: 220 2.0.0 Ready to start TLS
          TLS
          C: EHLO client.test
          S~ 250-mx.test
          S~ .*
          S~ .*
          S~ .*
          S~ .*
          S~ 250-AUTH PLAIN LOGIN CRAM-MD5
          S~ .*
          S~ .*
          S~ .*
          S~ .*
          S~ .*
          S~ 250 REQUIRETLS
          C: AUTH PLAIN %s
          S: 235 2.7.0 Authentication successful
          C: AUTH PLAIN %s
          S: 503 5.5.1 Error: already authenticated
          C: MAIL FROM:<alice@client.test> AUTH=<>
          S: 250 2.1.0 Ok
          C: AUTH PLAIN %s
          S: 503 5.5.1 Error: MAIL transaction in progress
          C: RCPT TO:<someone@remote.example>
          S: 250 2.1.5 Ok
          C: DATA
          S: 354 End data with <CR><LF>.<CR><LF>
          C: Subject: hi
          C:
          C: hello
          C: .
          S~ 250 2.0.0 Ok: queued as .*
          C: QUIT
          S: 221 2.0.0 Bye
          """.formatted(GOOD, GOOD, GOOD));
      assertThat(s.sink.queued()).hasSize(1);
      String content = s.sink.queued().get(0).headers.toString();
      assertThat(content).contains("\t(Authenticated sender: alice)\r\n\tby mx.test (Postern) with ESMTPSA id ");
      assertThat(s.sink.queued().get(0).envelope.client().sasl().username()).isEqualTo("alice");
      assertThat(s.log).anyMatch(l -> l.matches(
          "[0-9A-F]+: client=unknown\\[127\\.0\\.73\\.9\\], sasl_method=PLAIN, sasl_username=alice"));
      assertThat(dovecot.requests).anyMatch(r -> r.matches(
          "AUTH\t1\tPLAIN\tservice=smtp\tnologin\tlip=127\\.0\\.0\\.1\trip=127\\.0\\.73\\.9\tsecured\tresp=.*"));
    }
  }

  @Test
  void auth_badPassword_replies535LogsWarningAndRelayIsRefused() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\n") + """
          C: AUTH PLAIN %s
          S: 535 5.7.8 Error: authentication failed: (reason unavailable)
          C: MAIL FROM:<alice@client.test>
          S: 250 2.1.0 Ok
          C: RCPT TO:<someone@remote.example>
          S: 454 4.7.1 <someone@remote.example>: Relay access denied
          """.formatted(BAD));
      assertThat(s.log).contains("warning: unknown[127.0.73.9]: SASL PLAIN authentication failed:"
          + " (reason unavailable), sasl_username=alice");
    }
  }

  @Test
  void auth_challenges_emptyResponseLoginAbortAndBadBase64() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\n") + """
          C: AUTH PLAIN
          S~ 334 .?
          C: *
          S: 501 5.7.0 Authentication aborted
          C: AUTH LOGIN
          S: 334 VXNlcm5hbWU6
          C: not base64!
          S: 535 5.7.8 Error: authentication failed: Invalid base64 data in continued response
          C: AUTH PLAIN not-base64
          S: 535 5.7.8 Error: authentication failed: Invalid base64 data in initial response
          C: AUTH LOGIN
          S: 334 VXNlcm5hbWU6
          C: YWxpY2U=
          S: 334 UGFzc3dvcmQ6
          C: c2VjcmV0
          S: 235 2.7.0 Authentication successful
          """);
      assertThat(s.log).contains("warning: unknown[127.0.73.9]: SASL PLAIN authentication aborted");
    }
  }

  @Test
  void auth_emptyInitialResponse_getsAnEmptyChallenge() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\n") + """
          C: AUTH PLAIN =
          S~ 334 .?
          C: %s
          S: 235 2.7.0 Authentication successful
          """.formatted(GOOD));
    }
  }

  @Test
  void auth_lowerCaseMechanism_sentInDovecotsSpelling() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\n") + """
          C: auth plain %s
          S: 235 2.7.0 Authentication successful
          """.formatted(GOOD));
      assertThat(dovecot.requests).anyMatch(r -> r.startsWith("AUTH\t1\tPLAIN\t"));
    }
  }

  @Test
  void auth_responseOverLimit_replies500AndSessionGoesOn() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_sasl_response_limit", "64"));
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\n") + """
          C: AUTH LOGIN
          S: 334 VXNlcm5hbWU6
          C: %s
          S: 500 5.5.6 SASL response limit exceeded
          C: NOOP
          S: 250 2.0.0 Ok
          """.formatted("QUFB".repeat(40)));
    }
  }

  @Test
  void auth_tlsAuthOnly_noAuthBeforeStarttls() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_tls_auth_only", "yes"));
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("") + """
          C: AUTH PLAIN %s
          S: 504 5.5.4 Encryption required for requested authentication mechanism
          """.formatted(GOOD));
    }
  }

  @Test
  void auth_notEnabled_replies503() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_sasl_auth_enable", "no"));
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("") + """
          C: AUTH PLAIN %s
          S: 503 5.5.1 Error: authentication not enabled
          """.formatted(GOOD));
    }
  }

  @Test
  void auth_cyrusType_warnsAndOffersNoAuth() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_sasl_type", "cyrus"));
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("") + """
          C: AUTH PLAIN %s
          S: 503 5.5.1 Error: authentication not enabled
          """.formatted(GOOD));
      assertThat(s.log).anyMatch(l -> l.startsWith("warning: unsupported SASL server implementation: cyrus"));
    }
  }

  @Test
  void auth_dovecotDown_replies454AndSessionGoesOn() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.clientFrom(CLIENT)) {
      c.run(BANNER + ehlo("S: 250-AUTH PLAIN LOGIN CRAM-MD5\n"));
      dovecot.close();
      c.run("""
          C: AUTH PLAIN %s
          S: 454 4.7.0 Temporary authentication failure: Connection lost to authentication server
          C: AUTH PLAIN %s
          S: 454 4.7.0 Temporary authentication failure: Can't connect to authentication server
          C: EHLO client.test
          S: 250-mx.test
          S~ 250-PIPELINING
          S~ .*
          S~ .*
          S~ .*
          S: 250-STARTTLS
          S: 250-ENHANCEDSTATUSCODES
          S~ .*
          S~ .*
          S~ .*
          S: 250 CHUNKING
          C: MAIL FROM:<a@client.test>
          S: 250 2.1.0 Ok
          C: RCPT TO:<postmaster@mx.test>
          S: 250 2.1.5 Ok
          """.formatted(GOOD, GOOD));
      assertThat(s.log).anyMatch(l -> l.startsWith("warning: SASL: Connect to " + dovecot.socket() + " failed: "));
    }
  }
}
