package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.CleanupStatus;

/** Golden SMTP dialogues against a real smtpd over loopback. */
class SmtpdDialogueIT {
  private static final String BANNER = "S: 220 mx.test ESMTP Postern\n";
  private static final String EHLO_PLAIN =
      """
      C: EHLO client.test
      S: 250-mx.test
      S: 250-PIPELINING
      S: 250-SIZE 10240000
      S: 250-VRFY
      S: 250-ETRN
      S: 250-STARTTLS
      S: 250-ENHANCEDSTATUSCODES
      S: 250-8BITMIME
      S: 250-DSN
      S: 250-SMTPUTF8
      S: 250 CHUNKING
      """;
  private static final String STARTTLS_EHLO =
      """
      C: STARTTLS
      S: 220 2.0.0 Ready to start TLS
      TLS
      C: EHLO client.test
      S: 250-mx.test
      S: 250-PIPELINING
      S: 250-SIZE 10240000
      S: 250-VRFY
      S: 250-ETRN
      S: 250-ENHANCEDSTATUSCODES
      S: 250-8BITMIME
      S: 250-DSN
      S: 250-SMTPUTF8
      S: 250-CHUNKING
      S: 250 REQUIRETLS
      """;
  private static final String ENVELOPE =
      """
      C: MAIL FROM:<a@client.test>
      S: 250 2.1.0 Ok
      C: RCPT TO:<b@mx.test>
      S: 250 2.1.5 Ok
      """;

  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "RSA");
  }

  private static SmtpdFixture server(Map<String, String> overrides) throws Exception {
    return new SmtpdFixture(certs, overrides);
  }

  private static RecordingMessageSink.Message only(SmtpdFixture s) {
    assertThat(s.sink.queued()).hasSize(1);
    return s.sink.queued().get(0);
  }

  @Test
  void ehlo_beforeAndAfterStarttls_announcesRequiretlsOnlyInsideTls() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.client()) {
      c.run(BANNER + EHLO_PLAIN + STARTTLS_EHLO + "C: QUIT\nS: 221 2.0.0 Bye\nCLOSED");
    }
  }

  @Test
  void ehlo_discardedKeywords_areNotAnnouncedAndEnhancedCodesDropped() throws Exception {
    try (SmtpdFixture s =
            server(Map.of("smtpd_discard_ehlo_keywords", "pipelining, Etrn, enhancedstatuscodes, chunking"));
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + """
              C: EHLO client.test
              S: 250-mx.test
              S: 250-SIZE 10240000
              S: 250-VRFY
              S: 250-STARTTLS
              S: 250-8BITMIME
              S: 250-DSN
              S: 250 SMTPUTF8
              C: RSET
              S: 250 Ok
              C: BDAT 0 LAST
              S: 502 Error: command not implemented
              """);
    }
  }

  @Test
  void mailRequiretls_outsideTls_replies555AndSessionContinues() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + EHLO_PLAIN
              + """
              C: MAIL FROM:<a@client.test> REQUIRETLS
              S: 555 5.5.4 Unsupported option: REQUIRETLS
              C: MAIL FROM:<a@client.test>
              S: 250 2.1.0 Ok
              """);
    }
  }

  @Test
  void mailRequiretls_requiretlsDisabled_replies555InsideTls() throws Exception {
    try (SmtpdFixture s = server(Map.of("requiretls_enable", "no"));
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + """
              C: STARTTLS
              S: 220 2.0.0 Ready to start TLS
              TLS
              C: EHLO client.test
              S~ 250-.*
              S~ 250-.*
              S~ 250-.*
              S~ 250-.*
              S~ 250-.*
              S~ 250-.*
              S~ 250-.*
              S~ 250-.*
              S~ 250-.*
              S: 250 CHUNKING
              C: MAIL FROM:<a@client.test> REQUIRETLS
              S: 555 5.5.4 Unsupported option: REQUIRETLS
              """);
    }
  }

  @Test
  void mailRequiretls_insideTls_queuesMarkedMessageWithTlsReceivedHeader() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + STARTTLS_EHLO
                + """
                C: MAIL FROM:<a@client.test> REQUIRETLS
                S: 250 2.1.0 Ok
                C: RCPT TO:<b@mx.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+2Bx@mx.test
                S: 250 2.1.5 Ok
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
                C: Subject: hi
                C:
                C: ..dot
                C: .
                S: 250 2.0.0 Ok: queued as 4A1B2C3
                C: QUIT
                S: 221 2.0.0 Bye
                """);
      }
      RecordingMessageSink.Message m = only(s);
      assertThat(m.envelope.requireTls()).isTrue();
      assertThat(m.envelope.tls()).hasValueSatisfying(t -> assertThat(t.protocol()).startsWith("TLSv1."));
      assertThat(m.envelope.recipients().get(0).dsnNotify())
          .containsExactlyInAnyOrder(Envelope.Notify.SUCCESS, Envelope.Notify.FAILURE);
      assertThat(m.envelope.recipients().get(0).orcpt()).isEqualTo(new Envelope.Orcpt("rfc822", "b+x@mx.test"));
      assertThat(m.content()).isEqualTo("Subject: hi\r\n\r\n.dot\r\n");
      assertThat(m.headers.toString())
          .matches(
              "(?s)Received: from client\\.test \\(\\S+ \\[127\\.0\\.0\\.1\\]\\)\r\n"
                  + "\t\\(using TLSv1\\.[23] with cipher \\S+ \\((128|256)/(128|256) bits\\)\\)\r\n"
                  + "\t\\(No client certificate requested\\)\r\n"
                  + "\tby mx\\.test \\(Postern\\) with ESMTPS id 4A1B2C3\r\n"
                  + "\tfor <b@mx\\.test>; Fri, 14 Nov 2025 05:00:00 \\+0000 \\(UTC\\)\r\n");
    }
  }

  @Test
  void pipelining_repliesComeInCommandOrder() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + EHLO_PLAIN
                + """
                C: MAIL FROM:<a@client.test> BODY=8BITMIME RET=HDRS ENVID=id+2B1
                C: RCPT TO:<b@mx.test>
                C: RCPT TO:<nobody@elsewhere.test>
                C: RCPT TO:<c@mx.test>
                C: DATA
                S: 250 2.1.0 Ok
                S: 250 2.1.5 Ok
                S: 250 2.1.5 Ok
                S: 250 2.1.5 Ok
                S: 354 End data with <CR><LF>.<CR><LF>
                C: body
                C: .
                C: NOOP
                S: 250 2.0.0 Ok: queued as 4A1B2C3
                S: 250 2.0.0 Ok
                """);
      }
      Envelope e = only(s).envelope;
      assertThat(e.recipients()).extracting(Envelope.Recipient::address)
          .containsExactly("b@mx.test", "nobody@elsewhere.test", "c@mx.test");
      assertThat(e.body()).contains(Envelope.Body.EIGHT_BIT_MIME);
      assertThat(e.ret()).contains(Envelope.Ret.HDRS);
      assertThat(e.envid()).contains("id+1");
      assertThat(e.client().protocol()).isEqualTo("ESMTP");
    }
  }

  @Test
  void starttls_commandsPipelinedBehindIt_areDiscarded() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + EHLO_PLAIN
                + """
                C: STARTTLS
                C: MAIL FROM:<injected@evil.test>
                C: RCPT TO:<victim@mx.test>
                S: 220 2.0.0 Ready to start TLS
                TLS
                C: MAIL FROM:<a@client.test>
                S: 250 2.1.0 Ok
                C: RCPT TO:<b@mx.test>
                S: 250 2.1.5 Ok
                C: RSET
                S: 250 2.0.0 Ok
                """);
      }
      assertThat(s.sink.opened()).isEmpty();
    }
  }

  @Test
  void bdat_chunksAndLast_queueTheConcatenatedContent() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + EHLO_PLAIN
                + ENVELOPE
                + """
                C: BDAT 12
                RAW: Subject: x\\r\\n
                S: 250 2.0.0 Ok: 12 bytes
                C: BDAT 8 LAST
                RAW: \\r\\n.body\\n
                S: 250 2.0.0 Ok: queued as 4A1B2C3
                """);
      }
      assertThat(only(s).content()).isEqualTo("Subject: x\r\n\r\n.body\r\n");
    }
  }

  @Test
  void bdat_mixedWithData_replies503AndWithoutTransactionSkipsTheChunk() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + EHLO_PLAIN
                + """
                C: BDAT 10
                RAW: QUIT\\r\\nNOOP
                S: 503 5.5.1 Error: need RCPT command
                """
                + ENVELOPE
                + """
                C: BDAT 3
                RAW: abc
                S: 250 2.0.0 Ok: 3 bytes
                C: DATA
                S: 503 5.5.1 Error: DATA after BDAT
                C: BDAT 0 LAST
                S: 250 2.0.0 Ok: queued as 4A1B2C3
                C: BDAT 1x
                S: 521 5.5.4 Syntax: BDAT count [LAST]
                CLOSED
                """);
      }
      assertThat(only(s).content()).isEqualTo("abc");
    }
  }

  @Test
  void data_overMessageSizeLimit_replies552AfterReadingTheRest() throws Exception {
    try (SmtpdFixture s = server(Map.of("message_size_limit", "20"))) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + """
                C: EHLO client.test
                S: 250-mx.test
                S: 250-PIPELINING
                S: 250-SIZE 20
                S~ 250-.*
                S~ 250-.*
                S~ 250-.*
                S~ 250-.*
                S~ 250-.*
                S~ 250-.*
                S~ 250-.*
                S: 250 CHUNKING
                C: MAIL FROM:<a@client.test> SIZE=21
                S: 552 5.3.4 Message size exceeds fixed limit
                """
                + ENVELOPE
                + """
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
                C: 0123456789
                C: 0123456789
                C: RCPT TO:<smuggled@mx.test>
                C: .
                S: 552 5.3.4 Error: message file too big
                C: NOOP
                S: 250 2.0.0 Ok
                """);
      }
      assertThat(s.sink.queued()).isEmpty();
      assertThat(s.sink.opened()).allMatch(m -> m.aborted);
    }
  }

  @Test
  void badCommands_getPostfixRepliesAndTheSessionContinues() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + """
              C: EHLO
              S: 501 Syntax: EHLO hostname
              C: FROB
              S: 500 5.5.2 Error: command not recognized
              C:
              S: 500 5.5.2 Error: bad syntax
              C: RCPT TO:<b@mx.test>
              S: 503 5.5.1 Error: need MAIL command
              C: DATA
              S: 503 5.5.1 Error: need RCPT command
              C: MAIL FROM:
              S: 501 5.5.4 Syntax: MAIL FROM:<address>
              C: MAIL FROM:<a b@x>
              S: 501 5.1.7 Bad sender address syntax
              C: MAIL FROM:<a@client.test> BOGUS=1
              S: 555 5.5.4 Unsupported option: BOGUS=1
              C: MAIL FROM:<a@client.test> SIZE=x
              S: 501 5.5.4 Bad message size syntax
              C: MAIL FROM:<a@client.test> RET=ALL
              S: 501 5.5.4 Bad RET parameter syntax
              C: MAIL FROM:<a@client.test>
              S: 250 2.1.0 Ok
              C: MAIL FROM:<a@client.test>
              S: 503 5.5.1 Error: nested MAIL command
              C: RCPT TO:<b@mx.test> NOTIFY=NEVER,DELAY
              S: 501 5.5.4 Error: Bad NOTIFY parameter syntax
              C: RCPT TO:<>
              S: 501 5.1.3 Bad recipient address syntax
              C: RCPT TO:<b@mx.test>
              S: 250 2.1.5 Ok
              C: DATA x
              S: 501 5.5.4 Syntax: DATA
              C: RSET
              S: 250 2.0.0 Ok
              C: VRFY
              S: 501 5.5.4 Syntax: VRFY address
              C: ETRN
              S: 500 Syntax: ETRN domain
              C: QUIT
              S: 221 2.0.0 Bye
              """);
    }
  }

  @Test
  void commandLine_tooLong_replies500AndContinues() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + "C: NOOP "
              + "x".repeat(3000)
              + "\nS: 500 5.5.0 Error: line too long\nC: NOOP\nS: 250 2.0.0 Ok\n");
    }
  }

  @Test
  void errors_reachingHardLimit_reply421AndHangUp() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_hard_error_limit", "3"));
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + """
              C: FOO
              S: 500 5.5.2 Error: command not recognized
              C: RCPT TO:<b@mx.test>
              S: 503 5.5.1 Error: need MAIL command
              C: NOOP
              S: 250 2.0.0 Ok
              C: DATA
              S: 503 5.5.1 Error: need RCPT command
              S: 421 4.7.0 mx.test Error: too many errors
              CLOSED
              """);
    }
  }

  @Test
  void rcpt_fromOutsideMynetworks_relaysNothingWhateverTheLocalPartSays() throws Exception {
    // u%mx.test@mx.test resolves to u@mx.test, a local address: Postfix accepts it too
    // (AddressClassIT compares such dialogues with Debian's Postfix).
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.clientFrom("127.0.0.2")) {
      c.run(
          BANNER
              + """
              C: HELO client.test
              S: 250 mx.test
              C: MAIL FROM:<a@client.test>
              S: 250 2.1.0 Ok
              C: RCPT TO:<u@remote.example>
              S: 454 4.7.1 <u@remote.example>: Relay access denied
              C: RCPT TO:<"u@remote.example"@mx.test>
              S: 454 4.7.1 <u@remote.example@mx.test>: Relay access denied
              C: RCPT TO:<u%remote.example@mx.test>
              S: 454 4.7.1 <u%remote.example@mx.test>: Relay access denied
              C: RCPT TO:<remote.example!u@mx.test>
              S: 454 4.7.1 <remote.example!u@mx.test>: Relay access denied
              C: RCPT TO:<@mx.test,@relay.test:u@remote.example>
              S: 454 4.7.1 <u@remote.example>: Relay access denied
              C: RCPT TO:<u%mx.test@mx.test>
              S: 250 2.1.5 Ok
              C: RCPT TO:<u@mx.test>
              S: 250 2.1.5 Ok
              """);
    }
  }

  @Test
  void rcpt_rejectUnauthDestination_replies554() throws Exception {
    try (SmtpdFixture s =
            server(Map.of("smtpd_relay_restrictions", "permit_mynetworks reject_unauth_destination"));
        ScriptedSmtpClient c = s.clientFrom("127.0.0.2")) {
      c.run(
          BANNER
              + """
              C: MAIL FROM:<a@client.test>
              S: 250 2.1.0 Ok
              C: RCPT TO:<u@remote.example>
              S: 554 5.7.1 <u@remote.example>: Relay access denied
              """);
    }
  }

  @Test
  void rcpt_fromMynetworks_relays() throws Exception {
    try (SmtpdFixture s = server(Map.of());
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + """
              C: MAIL FROM:<a@client.test>
              S: 250 2.1.0 Ok
              C: RCPT TO:<u@remote.example>
              S: 250 2.1.5 Ok
              """);
    }
  }

  @Test
  void data_clientDisconnectsMidway_abortsAndQueuesNothing() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + ENVELOPE
                + """
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
                C: Subject: cut short
                """);
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while ((s.sink.opened().isEmpty() || !s.sink.opened().get(0).aborted)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(s.sink.opened()).hasSize(1);
      assertThat(s.sink.opened().get(0).aborted).isTrue();
      assertThat(s.sink.queued()).isEmpty();
    }
  }

  @Test
  void data_bareLfUnderNormalize_convertsAndEndsOnlyAtCrlfDotCrlf() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + ENVELOPE
                + """
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
                RAW: a\\n.\\nMAIL FROM:<x@evil.test>\\r\\n.\\r\\n
                S: 250 2.0.0 Ok: queued as 4A1B2C3
                """);
      }
      // The "." line next to bare LFs is neither the end nor content (Postfix 3.12 drops it).
      assertThat(only(s).content()).isEqualTo("a\r\nMAIL FROM:<x@evil.test>\r\n");
    }
  }

  @Test
  void bareLf_underReject_replies550AndHangsUp() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_forbid_bare_newline", "reject"));
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + """
              RAW: EHLO client.test\\n
              S: 550 5.5.2 Error: bare <LF> received
              CLOSED
              """);
    }
  }

  @Test
  void commit_failing_repliesQueueFileWriteError() throws Exception {
    try (SmtpdFixture s = server(Map.of())) {
      s.sink.failCommitWith(CleanupStatus.WRITE);
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            BANNER
                + ENVELOPE
                + """
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
                C: x
                C: .
                S: 451 4.3.0 Error: queue file write error
                """);
      }
      assertThat(s.sink.queued()).isEmpty();
    }
  }

  @Test
  void encryptLevel_mailBeforeStarttls_replies530() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_tls_security_level", "encrypt"));
        ScriptedSmtpClient c = s.client()) {
      c.run(
          BANNER
              + """
              C: MAIL FROM:<a@client.test>
              S: 530 5.7.0 Must issue a STARTTLS command first
              C: STARTTLS
              S: 220 2.0.0 Ready to start TLS
              TLS
              C: MAIL FROM:<a@client.test>
              S: 250 2.1.0 Ok
              """);
    }
  }

  @Test
  void wrappermode_startsTlsBeforeTheGreeting() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_tls_wrappermode", "yes"));
        ScriptedSmtpClient c = s.client()) {
      c.run(
          """
          TLS
          S: 220 mx.test ESMTP Postern
          C: STARTTLS
          S: 554 5.5.1 Error: TLS already active
          """);
    }
  }

  @Test
  void stop_idleSession_gets421ServiceShuttingDown() throws Exception {
    SmtpdFixture s = server(Map.of());
    try (ScriptedSmtpClient c = s.client()) {
      c.run(BANNER + "C: NOOP\nS: 250 2.0.0 Ok\n");
      s.close();
      c.run("S: 421 4.3.2 Service shutting down\nCLOSED");
    }
  }
}
