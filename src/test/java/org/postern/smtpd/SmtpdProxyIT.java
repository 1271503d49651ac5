package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** smtpd_proxy_filter against a scripted before-queue filter on loopback. */
class SmtpdProxyIT {
  static final String TLS_EHLO =
      """
      S~ 220 .*
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
      """;

  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "RSA");
  }

  /** A filter that records every line it receives and answers like a small Postfix. */
  static final class ScriptedProxy implements AutoCloseable {
    final List<String> commands = new CopyOnWriteArrayList<>();
    final StringBuilder data = new StringBuilder();
    private final ServerSocket listener;
    private volatile boolean hostile;
    private final Thread thread;

    ScriptedProxy() throws IOException {
      listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
      thread = Thread.ofVirtual().start(this::serve);
    }

    int port() {
      return listener.getLocalPort();
    }

    private void serve() {
      try (Socket s = listener.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        say(out, "220 filter.test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
          commands.add(line);
          String verb = line.split(" ")[0].toUpperCase();
          switch (verb) {
            case "EHLO" -> say(out, "250-filter.test\r\n250-PIPELINING\r\n250 8BITMIME");
            case "MAIL" -> say(out, "250 2.1.0 Ok");
            case "RCPT" -> say(out, rcptReply(line));
            case "DATA" -> {
              say(out, "354 End data with <CR><LF>.<CR><LF>");
              for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
                synchronized (data) {
                  data.append(d).append("\r\n");
                }
              }
              say(out, hostile ? "250 2.0.0 Ok:\rqueued as\u0000F00D" : "250 2.0.0 Ok: queued as F00D");
            }
            case "QUIT" -> {
              say(out, "221 2.0.0 Bye");
              return;
            }
            default -> say(out, "502 5.5.2 Error: command not recognized");
          }
        }
      } catch (IOException e) {
        commands.add("IOException: " + e.getMessage());
      }
    }

    /** A filter that answers a recipient {@code <cr@...>} with control characters in its reply. */
    private String rcptReply(String line) {
      if (line.contains("<cr@")) {
        hostile = true;
        return "550 5.1.1 <cr@mx.test>:\rRecipient\u0007unknown\r";
      }
      return line.contains("<bad@") ? "550 5.1.1 <bad@mx.test>: Recipient unknown" : "250 2.1.5 Ok";
    }

    private static void say(OutputStream out, String reply) throws IOException {
      out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    String data() {
      synchronized (data) {
        return data.toString();
      }
    }

    /** Waits for the filter's session to end (smtpd says QUIT after the message). */
    void awaitQuit() throws InterruptedException {
      thread.join(5000);
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  @Test
  void requiretlsMessage_relayedToFilterWithHeaderNotVerb_filtersRepliesGoToClient() throws Exception {
    try (ScriptedProxy proxy = new ScriptedProxy();
        SmtpdFixture s = new SmtpdFixture(certs,
            Map.of("smtpd_proxy_filter", "127.0.0.1:" + proxy.port(), "smtpd_proxy_ehlo", "mx-proxy.test"))) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run(TLS_EHLO
            + """
            C: MAIL FROM:<a@client.test> REQUIRETLS SIZE=100 BODY=8BITMIME RET=HDRS ENVID=id+2B1 SMTPUTF8
            S: 250 2.1.0 Ok
            C: RCPT TO:<b@mx.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@mx.test
            S: 250 2.1.5 Ok
            C: RCPT TO:<bad@mx.test>
            S: 550 5.1.1 <bad@mx.test>: Recipient unknown
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: hi
            C:
            C: ..dot
            C: .
            S: 250 2.0.0 Ok: queued as F00D
            C: QUIT
            S: 221 2.0.0 Bye
            """);
      }
      proxy.awaitQuit();
      assertThat(proxy.commands).containsExactly(
          "EHLO mx-proxy.test",
          "MAIL FROM:<a@client.test> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=id+2B1 SMTPUTF8",
          "RCPT TO:<b@mx.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@mx.test",
          "RCPT TO:<bad@mx.test>",
          "DATA",
          "QUIT");
      String data = proxy.data();
      // As Postfix 3.12: the header closes the header block, after smtpd's Received:.
      assertThat(data).startsWith("Received: from client.test (");
      assertThat(data).contains("with UTF8SMTPS\r\n\tfor <b@mx.test>;").doesNotContain(" id ");
      assertThat(data).endsWith("\r\nSubject: hi\r\nRequire-TLS-ESMTP: yes\r\n\r\n..dot\r\n");
      assertThat(s.sink.opened()).as("the filter queues the message, not this smtpd").isEmpty();
      assertThat(s.log).anyMatch(l -> l.matches(
          "NOQUEUE: proxy-accept: END-OF-MESSAGE from \\S+\\[127\\.0\\.0\\.1\\]: 250 2\\.0\\.0 Ok: queued as F00D;"
              + " from=<a@client\\.test>( to=<[^>]*>)? proto=ESMTP helo=<client\\.test>"));
    }
  }

  @Test
  void plainMessage_getsNoRequireTlsHeader() throws Exception {
    try (ScriptedProxy proxy = new ScriptedProxy();
        SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_proxy_filter", "inet:127.0.0.1:" + proxy.port()))) {
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
            C: Subject: plain
            C: .
            S: 250 2.0.0 Ok: queued as F00D
            """);
      }
      proxy.awaitQuit();
      assertThat(proxy.commands).startsWith("EHLO mx.test", "MAIL FROM:<a@client.test>");
      assertThat(proxy.data()).startsWith("Received: from client.test (").doesNotContain("Require-TLS-ESMTP");
    }
  }

  @Test
  void filterReplyWithBareCrOrControls_isSanitizedAndSessionGoesOn() throws Exception {
    try (ScriptedProxy proxy = new ScriptedProxy();
        SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_proxy_filter", "127.0.0.1:" + proxy.port()))) {
      try (ScriptedSmtpClient c = s.client()) {
        c.run("""
            S~ 220 .*
            C: HELO client.test
            S: 250 mx.test
            C: MAIL FROM:<a@client.test>
            S: 250 2.1.0 Ok
            C: RCPT TO:<cr@mx.test>
            S: 550 5.1.1 <cr@mx.test>:?Recipient?unknown?
            C: RCPT TO:<b@mx.test>
            S: 250 2.1.5 Ok
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: hostile filter
            C: .
            S: 250 2.0.0 Ok:?queued as?F00D
            C: NOOP
            S: 250 2.0.0 Ok
            C: QUIT
            S: 221 2.0.0 Bye
            """);
      }
      proxy.awaitQuit();
      assertThat(proxy.data()).endsWith("\r\nSubject: hostile filter\r\n");
      assertThat(s.log).noneMatch(l -> l.indexOf('\r') >= 0 || l.indexOf(0) >= 0);
    }
  }

  @Test
  void filterDown_rcptGetsQueueFileWriteErrorAndWarning() throws Exception {
    int closedPort;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = gone.getLocalPort();
    }
    try (SmtpdFixture s = new SmtpdFixture(certs, Map.of("smtpd_proxy_filter", "127.0.0.1:" + closedPort));
        ScriptedSmtpClient c = s.client()) {
      c.run("""
          S~ 220 .*
          C: HELO client.test
          S: 250 mx.test
          C: MAIL FROM:<a@client.test>
          S: 250 2.1.0 Ok
          C: RCPT TO:<b@mx.test>
          S: 451 4.3.0 Error: queue file write error
          C: DATA
          S: 554 5.5.1 Error: no valid recipients
          """);
      assertThat(s.log).anyMatch(l -> l.startsWith(
          "warning: connect to proxy filter 127.0.0.1:" + closedPort + ": Connection refused"));
      assertThat(s.sink.opened()).isEmpty();
    }
  }
}
