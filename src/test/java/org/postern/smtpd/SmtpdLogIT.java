package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden mail-log lines of whole sessions, as pflogsumm and operators' scripts read them. */
class SmtpdLogIT {
  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "RSA");
  }

  /** The log once the session has ended, with the client's name[addr] written as CLIENT. */
  private static List<String> sessionLog(SmtpdFixture s) throws InterruptedException {
    for (int i = 0; i < 500 && s.log.stream().noneMatch(l -> l.startsWith("disconnect from ")); i++) {
      Thread.sleep(10);
    }
    String namaddr = s.log.get(0).substring("connect from ".length());
    assertThat(namaddr).endsWith("[127.0.0.1]");
    return s.log.stream().map(l -> l.replace(namaddr, "CLIENT")).toList();
  }

  @Test
  void fullSession_starttlsRejectedRecipientAndQueuedMessage_logsPostfixLines() throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of("mynetworks", "10.0.0.0/8", "smtpd_tls_loglevel", "1"))) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(
            """
            S~ 220 .*
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
            S~ 250-.*
            S: 250 CHUNKING
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
            S~ 250-.*
            S: 250 REQUIRETLS
            C: MAIL FROM:<a@client.test>
            S: 250 2.1.0 Ok
            C: RCPT TO:<nobody@elsewhere.test>
            S: 454 4.7.1 <nobody@elsewhere.test>: Relay access denied
            C: RCPT TO:<b@mx.test>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: hi
            C:
            C: hello
            C: .
            S: 250 2.0.0 Ok: queued as 4A1B2C3
            C: QUIT
            S: 221 2.0.0 Bye
            """);
      }
      List<String> log = sessionLog(s);
      assertThat(log).hasSize(5);
      assertThat(log.get(0)).isEqualTo("connect from CLIENT");
      assertThat(log.get(1)).matches(
          "Anonymous TLS connection established from CLIENT: TLSv1\\.[23] with cipher \\S+ \\((128|256)/(128|256) bits\\)");
      assertThat(log.subList(2, 5)).containsExactly(
          "NOQUEUE: reject: RCPT from CLIENT: 454 4.7.1 <nobody@elsewhere.test>: Relay access denied;"
              + " from=<a@client.test> to=<nobody@elsewhere.test> proto=ESMTP helo=<client.test>",
          "4A1B2C3: client=CLIENT",
          "disconnect from CLIENT ehlo=2 starttls=1 mail=1 rcpt=1/2 data=1 quit=1 commands=7/8");
    }
  }

  @Test
  void tlsLoglevelZero_logsNoTlsSummary() throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run("""
            S~ 220 .*
            C: STARTTLS
            S: 220 2.0.0 Ready to start TLS
            TLS
            C: QUIT
            S: 221 2.0.0 Bye
            """);
      }
      assertThat(sessionLog(s)).containsExactly(
          "connect from CLIENT", "disconnect from CLIENT starttls=1 quit=1 commands=2");
    }
  }

  @Test
  void lostConnectionInData_logsByteCountAndFailedData() throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of())) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run("""
            S~ 220 .*
            C: HELO client.test
            S: 250 mx.test
            C: MAIL FROM:<a@client.test>
            S: 250 2.1.0 Ok
            C: RCPT TO:<b@mx.test>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: cut
            """);
      }
      assertThat(sessionLog(s)).containsExactly(
          "connect from CLIENT",
          "4A1B2C3: client=CLIENT",
          "lost connection after DATA (14 bytes) from CLIENT",
          "disconnect from CLIENT helo=1 mail=1 rcpt=1 data=0/1 commands=3/4");
      assertThat(s.sink.queued()).isEmpty();
    }
  }

  @Test
  void idleClient_logsTimeoutAfterLastCommand() throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_timeout", "1s"))) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run("""
            S~ 220 .*
            C: HELO client.test
            S: 250 mx.test
            S: 421 4.4.2 mx.test Error: timeout exceeded
            CLOSED
            """);
      }
      assertThat(sessionLog(s)).containsExactly(
          "connect from CLIENT", "timeout after HELO from CLIENT", "disconnect from CLIENT helo=1 commands=1");
    }
  }

  @Test
  void errorLimitAndUnknownCommands_logTooManyErrorsAndUnknownCounter() throws Exception {
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_hard_error_limit", "2"))) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run("""
            S~ 220 .*
            C: FOO
            S: 500 5.5.2 Error: command not recognized
            C: RCPT TO:<b@mx.test>
            S: 503 5.5.1 Error: need MAIL command
            S: 421 4.7.0 mx.test Error: too many errors
            CLOSED
            """);
      }
      assertThat(sessionLog(s)).containsExactly(
          "connect from CLIENT",
          "too many errors after RCPT from CLIENT",
          "disconnect from CLIENT rcpt=0/1 unknown=0/1 commands=0/2");
    }
  }
}
