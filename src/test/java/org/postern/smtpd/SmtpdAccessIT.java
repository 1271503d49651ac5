package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden dialogues for the SMTP access restrictions, the open-relay battery and anvil limits. */
class SmtpdAccessIT {
  private static final String OUTSIDER = "127.0.0.2";
  private static final String GREETING =
      """
      S: 220 mx.test ESMTP Postern
      C: HELO client.test
      S: 250 mx.test
      C: MAIL FROM:<a@client.test>
      S: 250 2.1.0 Ok
      """;
  private static final String ACCESS =
      "check_recipient_access inline:{ { bad@mx.test = REJECT }, { later@mx.test = DEFER try later },"
          + " { held@mx.test = HOLD }, { gone@mx.test = DISCARD }, { tagged@mx.test = PREPEND X-Tag: 1 } }";

  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "RSA");
  }

  private static SmtpdFixture server(Map<String, String> overrides) throws Exception {
    return new SmtpdFixture(certs, overrides);
  }

  @Test
  void rcpt_accessTableReject_554AndLoggedAsPostfix() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_recipient_restrictions", ACCESS));
        ScriptedSmtpClient c = s.client()) {
      c.run(GREETING + """
          C: RCPT TO:<bad@mx.test>
          S: 554 5.7.1 <bad@mx.test>: Recipient address rejected: Access denied
          C: RCPT TO:<later@mx.test>
          S: 450 4.7.1 <later@mx.test>: Recipient address rejected: try later
          C: QUIT
          S: 221 2.0.0 Bye
          """);
      assertThat(s.log).anyMatch(l -> l.matches(
          "NOQUEUE: reject: RCPT from [^ ]+\\[127\\.0\\.0\\.1\\]: 554 5\\.7\\.1 <bad@mx\\.test>: Recipient address"
              + " rejected: Access denied; from=<a@client\\.test> to=<bad@mx\\.test> proto=SMTP helo=<client\\.test>"));
    }
  }

  @Test
  void data_holdAndPrepend_reachCleanup() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_recipient_restrictions", ACCESS));
        ScriptedSmtpClient c = s.client()) {
      c.run(GREETING + """
          C: RCPT TO:<held@mx.test>
          S: 250 2.1.5 Ok
          C: RCPT TO:<tagged@mx.test>
          S: 250 2.1.5 Ok
          C: DATA
          S: 354 End data with <CR><LF>.<CR><LF>
          C: Subject: hi
          C:
          C: body
          C: .
          S~ 250 2\\.0\\.0 Ok: queued as [0-9A-F]+
          C: QUIT
          S: 221 2.0.0 Bye
          """);
      RecordingMessageSink.Message m = s.sink.queued().get(0);
      assertThat(m.envelope.actions().hold()).isTrue();
      assertThat(m.envelope.actions().prependHeaders()).containsExactly("X-Tag: 1");
      assertThat(m.headers.toString()).startsWith("X-Tag: 1\r\nReceived: ");
    }
  }

  @Test
  void data_discard_isAcceptedAndMarkedForCleanup() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_recipient_restrictions", ACCESS));
        ScriptedSmtpClient c = s.client()) {
      c.run(GREETING + """
          C: RCPT TO:<gone@mx.test>
          S: 250 2.1.5 Ok
          C: RCPT TO:<bad@mx.test>
          S: 250 2.1.5 Ok
          C: DATA
          S: 354 End data with <CR><LF>.<CR><LF>
          C: body
          C: .
          S~ 250 2\\.0\\.0 Ok: queued as [0-9A-F]+
          """);
      assertThat(s.sink.queued().get(0).envelope.actions().discard()).isTrue();
    }
  }

  @Test
  void rcpt_unknownLocalUser_550UserUnknown() throws Exception {
    try (SmtpdFixture s = server(Map.of("local_recipient_maps", "inline:{ b=1 }"));
        ScriptedSmtpClient c = s.client()) {
      c.run(GREETING + """
          C: RCPT TO:<nobody@mx.test>
          S: 550 5.1.1 <nobody@mx.test>: Recipient address rejected: User unknown in local recipient table
          C: RCPT TO:<b@MX.test>
          S: 250 2.1.5 Ok
          """);
    }
  }

  @Test
  void rcpt_passwdTable_knowsRootNotStrangers() throws Exception {
    try (SmtpdFixture s = server(Map.of("local_recipient_maps", "proxy:unix:passwd.byname"));
        ScriptedSmtpClient c = s.client()) {
      c.run(GREETING + """
          C: RCPT TO:<root@mx.test>
          S: 250 2.1.5 Ok
          C: RCPT TO:<no-such-user-x1@mx.test>
          S: 550 5.1.1 <no-such-user-x1@mx.test>: Recipient address rejected: User unknown in local recipient table
          """);
    }
  }

  @Test
  void rcpt_openRelayBattery_refusesEveryRoutingTrick() throws Exception {
    List<String> attempts =
        List.of(
            "<user@other.example>",
            "<user%other.example@example.com>",
            "<other.example!user@example.com>",
            "<\"user@other.example\"@example.com>",
            "<@example.com:user@other.example>",
            "<user@other.example@example.com>",
            "<user@[192.0.2.9]>",
            "<user%other.example@[127.0.0.1]>",
            "<user@other.example.>",
            "<USER@OTHER.EXAMPLE>",
            "<USER%OTHER.EXAMPLE@EXAMPLE.COM>",
            "<OTHER.EXAMPLE!USER@EXAMPLE.COM>",
            "<\"USER@OTHER.EXAMPLE\"@EXAMPLE.COM>",
            "<@EXAMPLE.COM:USER@OTHER.EXAMPLE>");
    Map<String, String> params =
        Map.of("mydestination", "example.com", "mynetworks", "127.0.0.1/32", "local_recipient_maps", "");
    try (SmtpdFixture s = server(params);
        ScriptedSmtpClient c = s.clientFrom(OUTSIDER)) {
      StringBuilder script = new StringBuilder(GREETING);
      for (String rcpt : attempts) {
        script.append("C: RCPT TO:").append(rcpt).append("\nS~ [45][0-9][0-9] .*\n");
      }
      script.append("C: RCPT TO:<user@example.com>\nS: 250 2.1.5 Ok\n");
      c.run(script.toString());
      assertThat(c.transcript()).filteredOn(l -> l.startsWith("S: 250 2.1.5")).hasSize(1);
    }
  }

  @Test
  void connect_overCountLimit_421AndWarning() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_client_connection_count_limit", "1"));
        ScriptedSmtpClient first = s.clientFrom(OUTSIDER)) {
      first.run("S: 220 mx.test ESMTP Postern");
      try (Socket second = new Socket()) {
        second.bind(new InetSocketAddress(InetAddress.getByName(OUTSIDER), 0));
        second.connect(s.smtpd.localAddress(), 5000);
        second.setSoTimeout(10000);
        BufferedReader in =
            new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo("421 4.7.0 mx.test Error: too many connections from 127.0.0.2");
        assertThat(in.readLine()).isNull();
      }
      assertThat(s.log).anyMatch(l -> l.matches(
          "warning: Connection concurrency limit exceeded: 2 from [^ ]+\\[127\\.0\\.0\\.2\\] for service smtp"));
      first.run("C: QUIT\nS: 221 2.0.0 Bye");
    }
  }

  @Test
  void connect_mynetworksClient_isExemptFromCountLimit() throws Exception {
    try (SmtpdFixture s = server(Map.of("smtpd_client_connection_count_limit", "1"));
        ScriptedSmtpClient first = s.client();
        ScriptedSmtpClient second = s.client()) {
      first.run("S: 220 mx.test ESMTP Postern");
      second.run("S: 220 mx.test ESMTP Postern\nC: QUIT\nS: 221 2.0.0 Bye");
    }
  }
}
