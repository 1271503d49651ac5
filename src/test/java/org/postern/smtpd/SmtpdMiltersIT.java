package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.milter.ScriptedMilter.optneg;
import static org.postern.milter.ScriptedMilter.reply;
import static org.postern.milter.ScriptedMilter.strings;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.milter.ScriptedMilter;

/**
 * smtpd's side of smtpd_milters, dialogue by dialogue, against scripted milters: the greeting
 * after a connect refusal, HELO, DATA and BDAT refusals, an unknown command, a quarantine through
 * the envelope's hold action.
 */
class SmtpdMiltersIT {
  private static final String EHLO = """
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

  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "RSA");
  }

  private static ScriptedMilter milter(Function<Character, byte[]> script) throws Exception {
    return ScriptedMilter.byCommand(dir, optneg(6, 0), script);
  }

  private static SmtpdFixture server(ScriptedMilter m) throws Exception {
    return new SmtpdFixture(certs, Map.of("smtpd_milters", m.name()));
  }

  @Test
  void connect_reject_greets554AndRefusesMail() throws Exception {
    try (ScriptedMilter m = milter(c -> c == 'C' ? reply('r') : reply('c'));
        SmtpdFixture s = server(m);
        ScriptedSmtpClient c = s.client()) {
      c.run("""
          S: 554 mx.test ESMTP not accepting connections
          C: HELO client.test
          S: 250 mx.test
          C: MAIL FROM:<a@example.com>
          S: 550 5.7.1 Command rejected
          C: QUIT
          S: 221 2.0.0 Bye
          """);
      assertThat(s.log).contains("NOQUEUE: milter-reject: CONNECT from localhost[127.0.0.1]: 550"
          + " 5.7.1 Command rejected; proto=SMTP");
    }
  }

  @Test
  void milterMapsAndNoMilters_chooseTheClientsMilters() throws Exception {
    try (ScriptedMilter m = milter(c -> c == 'C' ? reply('r') : reply('c'))) {
      String refused = "S: 554 mx.test ESMTP not accepting connections\nC: QUIT\nS: 221 2.0.0 Bye\n";
      String greeted = "S: 220 mx.test ESMTP Postern\nC: QUIT\nS: 221 2.0.0 Bye\n";
      try (SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_milter_maps",
              "inline:{127.0.0.1=" + m.name() + "}"));
          ScriptedSmtpClient c = s.client()) {
        c.run(refused);
      }
      try (SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_milters", m.name(),
              "smtpd_milter_maps", "inline:{127.0.0.1=DISABLE}"));
          ScriptedSmtpClient c = s.client()) {
        c.run(greeted);
      }
      try (SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_milters", m.name(),
              "receive_override_options", "no_milters"));
          ScriptedSmtpClient c = s.client()) {
        c.run(greeted);
      }
    }
  }

  @Test
  void helo_shutdown_replies421AndHangsUp() throws Exception {
    try (ScriptedMilter m = milter(c -> c == 'H' ? reply('4') : reply('c'));
        SmtpdFixture s = server(m);
        ScriptedSmtpClient c = s.client()) {
      c.run("""
          S: 220 mx.test ESMTP Postern
          C: EHLO client.test
          S: 421 4.7.0 Server closing connection
          CLOSED
          """);
    }
  }

  @Test
  void data_and_bdat_refusals_answerTheMilter() throws Exception {
    try (ScriptedMilter m = milter(c -> c == 'T' ? strings('y', "450 4.7.0 not now") : reply('c'));
        SmtpdFixture s = server(m);
        ScriptedSmtpClient c = s.client()) {
      c.run("S: 220 mx.test ESMTP Postern\n" + EHLO + """
          C: MAIL FROM:<a@example.com>
          S: 250 2.1.0 Ok
          C: RCPT TO:<b@mx.test>
          S: 250 2.1.5 Ok
          C: DATA
          S: 450 4.7.0 not now
          C: RSET
          S: 250 2.0.0 Ok
          C: MAIL FROM:<a@example.com>
          S: 250 2.1.0 Ok
          C: RCPT TO:<b@mx.test>
          S: 250 2.1.5 Ok
          RAW: BDAT 5 LAST\\r\\nhello
          S: 450 4.7.0 not now
          C: BDAT 0 LAST
          S: 503 5.5.1 Error: need RCPT command
          """);
      assertThat(s.sink.queued()).isEmpty();
    }
  }

  @Test
  void unknownCommand_milter4xxReplacesOwnReply() throws Exception {
    try (ScriptedMilter m = milter(c -> c == 'U' ? reply('t') : reply('c'));
        SmtpdFixture s = server(m);
        ScriptedSmtpClient c = s.client()) {
      c.run("S: 220 mx.test ESMTP Postern\n" + EHLO + """
          C: XYZZY
          S: 451 4.7.1 Service unavailable - try again later
          """);
    }
  }

  @Test
  void rcpt_quarantine_becomesTheHoldAction() throws Exception {
    try (ScriptedMilter m = milter(c -> c == 'R'
        ? ScriptedMilter.concat(strings('q', "looks odd"), reply('c')) : reply('c'));
        SmtpdFixture s = server(m);
        ScriptedSmtpClient c = s.client()) {
      c.run("S: 220 mx.test ESMTP Postern\n" + EHLO + """
          C: MAIL FROM:<a@example.com>
          S: 250 2.1.0 Ok
          C: RCPT TO:<b@mx.test>
          S: 250 2.1.5 Ok
          C: DATA
          S: 354 End data with <CR><LF>.<CR><LF>
          C: Subject: x
          C:
          C: x
          C: .
          S~ 250 2.0.0 Ok: queued as .*
          """);
      assertThat(s.sink.queued().get(0).envelope.actions().hold()).isTrue();
      assertThat(s.log).anyMatch(l -> l.contains("milter-hold: RCPT from localhost[127.0.0.1]:"
          + " looks odd; from=<a@example.com> to=<b@mx.test>"));
    }
  }
}
