package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.dns.MxRecord;
import org.postern.queue.BodyType;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Recipient;
import org.postern.table.Tables;

class SmtpDeliveryTest extends ScriptedDeliveryTest {
  @Test
  void deliver_pipeliningServer_sendsMailRcptDataTogetherAndReportsSent() throws Exception {
    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.dsn()).isEqualTo("2.0.0");
      assertThat(r.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + server.port());
      assertThat(r.text()).isEqualTo("250 2.0.0 Ok: queued as 4ABCDEF");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may:none");
    });
    assertThat(server.commands()).containsSubsequence(
        "EHLO client.example", "MAIL FROM:<sender@example.org> SIZE=37",
        "RCPT TO:<a@example.com>", "DATA", "QUIT");
    assertThat(server.contents()).singleElement().asString().contains("..leading dot");
  }

  /** About 1.5 MB in lines of varying length, every fourth starting with a dot. */
  private static String bigContent() {
    StringBuilder b = new StringBuilder("Subject: big\r\n\r\n");
    for (int i = 0; i < 30_000; i++) {
      b.append(i % 4 == 0 ? "." : "").append("line ").append(i).append(' ')
          .append("y".repeat(i % 80)).append("\r\n");
    }
    return b.toString();
  }

  @Test
  void deliver_messageLargerThanBuffers_dataBytesOnTheWireExact() throws Exception {
    String content = bigContent();
    var request = TestRequests.request(tmp.resolve("q"), literal(),
        org.postern.queue.Envelope.of("sender@example.org", List.of(Recipient.of("a@example.com"))),
        content);

    assertThat(deliver(request)).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    assertThat(server.commands()).contains("MAIL FROM:<sender@example.org> SIZE="
        + content.length());
    assertThat(server.contents()).singleElement()
        .isEqualTo(content.replaceAll("(?m)^\\.", ".."));
  }

  @Test
  void deliver_messageLargerThanBuffers_bdatBytesOnTheWireExact() throws Exception {
    server.keywords = List.of("PIPELINING", "CHUNKING");
    String content = bigContent();
    var request = TestRequests.request(tmp.resolve("q"), literal(),
        org.postern.queue.Envelope.of("sender@example.org", List.of(Recipient.of("a@example.com"))),
        content);

    assertThat(deliver(request)).singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
    assertThat(server.commands()).contains("BDAT " + content.length() + " LAST");
    assertThat(server.contents()).singleElement().isEqualTo(content);
  }

  @Test
  void deliver_recipientReplies_deferAndBounceEachRecipient() throws Exception {
    server.on("RCPT TO:<B@", "450 4.2.0 <b@example.com>: mailbox busy");
    server.on("RCPT TO:<C@", "550 5.1.1 <c@example.com>: Recipient address rejected");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(),
        "a@example.com", "b@example.com", "c@example.com"));

    assertThat(results).extracting(RecipientResult::status)
        .containsExactlyInAnyOrder(Status.SENT, Status.DEFERRED, Status.BOUNCED);
    RecipientResult bounced = results.stream()
        .filter(r -> r.status() == Status.BOUNCED).findFirst().orElseThrow();
    assertThat(bounced.dsn()).isEqualTo("5.1.1");
    assertThat(bounced.text()).isEqualTo("host 127.0.0.1[127.0.0.1]"
        + " said: 550 5.1.1 <c@example.com>: Recipient address rejected"
        + " (in reply to RCPT TO command)");
    assertThat(bounced.diagnostic())
        .contains("smtp; 550 5.1.1 <c@example.com>: Recipient address rejected");
  }

  @Test
  void deliver_ehloRefused_fallsBackToHeloWithoutParameters() throws Exception {
    server.on("EHLO", "502 5.5.2 Error: command not recognized");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    assertThat(server.commands()).containsSubsequence(
        "EHLO client.example", "HELO client.example", "MAIL FROM:<sender@example.org>",
        "RCPT TO:<a@example.com>", "DATA");
  }

  @Test
  void deliver_chunkingServer_sendsBdatLast() throws Exception {
    server.keywords = List.of("PIPELINING", "CHUNKING");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    assertThat(server.commands()).contains("BDAT 37 LAST").doesNotContain("DATA");
    assertThat(server.contents()).containsExactly(TestRequests.SIMPLE);
  }

  @Test
  void deliver_dsnServer_passesRetEnvidNotifyOrcpt() throws Exception {
    Recipient r = Recipient.of("a@example.com")
        .withDsn("rfc822;a+x@example.com", Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE));
    var env = TestRequests.envelope(List.of(r), false, false, Optional.of(DsnRet.HDRS),
        Optional.of("id=1"), Optional.of(BodyType.EIGHT_BIT_MIME));

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().extracting(RecipientResult::action).isEqualTo("delivered");
    assertThat(server.commands()).contains(
        "MAIL FROM:<sender@example.org> SIZE=37 BODY=8BITMIME RET=HDRS ENVID=id+3D1",
        "RCPT TO:<a@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+2Bx@example.com");
  }

  @Test
  void deliver_serverWithoutDsn_marksRelayed() throws Exception {
    server.keywords = List.of("PIPELINING");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().extracting(RecipientResult::action).isEqualTo("relayed");
  }

  @Test
  void deliver_firstMxSizeTooSmall_skipsToNextMx() throws Exception {
    server.keywords = List.of("SIZE 10");
    try (ScriptedSmtpServer second = ScriptedSmtpServer.tcp("127.0.0.2", server.port())) {
      dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com"),
          new MxRecord(20, "mx2.example.com")));
      dns.hosts.put("mx1.example.com", List.of(InetAddress.getByName("127.0.0.1")));
      dns.hosts.put("mx2.example.com", List.of(InetAddress.getByName("127.0.0.2")));

      var results = deliver(TestRequests.simple(tmp.resolve("q"), "example.com", "a@example.com"));

      assertThat(results).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(Status.SENT);
        assertThat(r.relay()).isEqualTo("mx2.example.com[127.0.0.2]:" + server.port());
      });
      assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }
  }

  @Test
  void deliver_onlyMxSizeTooSmall_bounces534() throws Exception {
    server.keywords = List.of("SIZE 10");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.3.4");
      assertThat(r.text()).startsWith("message size 37 exceeds size limit 10 of server");
    });
  }

  @Test
  void deliver_smtputf8NeededButMissing_bounces567() throws Exception {
    var env = TestRequests.envelope(List.of(Recipient.of("jos\u00e9@example.com")), false, true,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.6.7");
      assertThat(r.text()).startsWith("message requires SMTPUTF8, but no server was found that"
          + " supports SMTPUTF8. The last attempted server was ");
    });
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_smtputf8HeaderButMissing_bounces567() throws Exception {
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), false, true,
        Optional.empty(), Optional.empty(), Optional.empty());
    String content = "Subject: caf\u00e9\r\n\r\nbody\r\n";

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env, content));

    assertThat(results).singleElement().extracting(RecipientResult::dsn).isEqualTo("5.6.7");
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_smtputf8AskedButAllAscii_sentWithoutTheParameter() throws Exception {
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), false, true,
        Optional.empty(), Optional.empty(), Optional.empty());

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env,
        TestRequests.SIMPLE));

    assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    assertThat(server.commands()).anyMatch(c -> c.startsWith("MAIL FROM:"))
        .noneMatch(c -> c.contains("SMTPUTF8"));
  }

  @Test
  void deliver_eightBitTextToSevenBitServer_convertsToQuotedPrintable() throws Exception {
    server.keywords = List.of("PIPELINING");
    String content = "Subject: t\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n\r\ncaf\u00e9\r\n";
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), false, false,
        Optional.empty(), Optional.empty(), Optional.of(BodyType.EIGHT_BIT_MIME));

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env, content));

    assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    assertThat(server.contents()).singleElement().asString()
        .contains("Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n")
        .doesNotContain("8bit");
  }

  @Test
  void deliver_eightBitMultipartToSevenBitServer_defers463() throws Exception {
    server.keywords = List.of("PIPELINING");
    String content = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + "--b\r\n\r\ncaf\u00e9\r\n--b--\r\n";
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), false, false,
        Optional.empty(), Optional.empty(), Optional.of(BodyType.EIGHT_BIT_MIME));

    var results = deliver(TestRequests.request(tmp.resolve("q"), literal(), env, content));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.6.3");
    });
    assertThat(server.contents()).isEmpty();
  }

  @Test
  void deliver_daneOnlyWithoutDnssecLookups_defersUndecided() throws Exception {
    params.put("smtp_tls_policy_maps", "inline:{{[127.0.0.1]:" + server.port() + " = dane-only}}");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.text()).isEqualTo("client TLS configuration problem");
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("unknown?");
    });
  }

  @Test
  void deliver_nullMx_bounces5110() throws Exception {
    dns.mx.put("example.com", List.of(new MxRecord(0, ".")));

    var results = deliver(TestRequests.simple(tmp.resolve("q"), "example.com", "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.1.10");
    });
  }

  @Test
  void deliver_nxdomain_bounces512AndServfailDefers443() throws Exception {
    dns.failing.add("broken.example");

    var gone = deliver(TestRequests.simple(tmp.resolve("q"), "nowhere.example", "a@nowhere.example"));
    var broken = deliver(TestRequests.simple(tmp.resolve("q"), "broken.example", "a@broken.example"));

    assertThat(gone).singleElement().extracting(RecipientResult::dsn).isEqualTo("5.1.2");
    assertThat(broken).singleElement().extracting(RecipientResult::dsn).isEqualTo("4.4.3");
  }

  /** Postfix 3.12 logs no tls= field when the next hop's DNS lookup failed: no policy was looked up. */
  @Test
  void deliver_dnsLookupFailed_noTlsStatus() throws Exception {
    dns.failing.add("broken.example");

    var broken = deliver(TestRequests.simple(tmp.resolve("q"), "broken.example", "a@broken.example"));

    assertThat(broken).singleElement().satisfies(r -> assertThat(r.tlsStatus()).isEmpty());
  }

  @Test
  void deliver_secondMessage_reusesCachedSessionAfterRset() throws Exception {
    MainConfig config = MainConfig.of(tmp, params);
    try (SmtpDelivery agent = new SmtpDelivery(SmtpSettings.of(config, Protocol.SMTP),
        Tables::open, dns, Clock.systemUTC(), new Random(1))) {
      agent.deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));
      var second = agent.deliver(TestRequests.simple(tmp.resolve("q"), literal(), "b@example.com"));

      assertThat(second).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    }
    assertThat(server.sessions).isEqualTo(1);
    assertThat(server.commands()).containsSubsequence(
        "RCPT TO:<a@example.com>", "RSET", "RCPT TO:<b@example.com>", "QUIT");
  }

  @Test
  void deliver_mayHandshakeFails_retriesInPlaintextOnNewConnection() throws Exception {
    server.keywords = List.of("PIPELINING", "SIZE 10240000", "STARTTLS");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.tlsStatus().orElseThrow().format()).isEqualTo("may:none");
    });
    assertThat(server.sessions).isEqualTo(2);
    assertThat(server.commands()).containsSubsequence(
        "STARTTLS", "EHLO client.example", "MAIL FROM:<sender@example.org> SIZE=37");
  }

  @Test
  void deliver_encryptHandshakeFails_defersWithoutPlaintextRetry() throws Exception {
    params.put("smtp_tls_security_level", "encrypt");
    server.keywords = List.of("PIPELINING", "STARTTLS");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.7.5");
    });
    assertThat(server.sessions).isEqualTo(1);
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
  }

  @Test
  void deliver_everyMxRefuses_stopsAtSessionLimit() throws Exception {
    params.put("smtp_mx_session_limit", "2");
    server.greeting = "421 4.3.2 busy";
    try (ScriptedSmtpServer two = ScriptedSmtpServer.tcp("127.0.0.2", server.port());
        ScriptedSmtpServer three = ScriptedSmtpServer.tcp("127.0.0.3", server.port())) {
      two.greeting = "421 4.3.2 busy";
      dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com"),
          new MxRecord(20, "mx2.example.com"), new MxRecord(30, "mx3.example.com")));
      dns.hosts.put("mx1.example.com", List.of(InetAddress.getByName("127.0.0.1")));
      dns.hosts.put("mx2.example.com", List.of(InetAddress.getByName("127.0.0.2")));
      dns.hosts.put("mx3.example.com", List.of(InetAddress.getByName("127.0.0.3")));

      var results = deliver(TestRequests.simple(tmp.resolve("q"), "example.com", "a@example.com"));

      assertThat(results).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(Status.DEFERRED);
        assertThat(r.text()).contains("mx2.example.com").contains("421 4.3.2 busy");
      });
      assertThat(three.sessions).isZero();
    }
  }

  @Test
  void deliver_pipelinedMailRejected5xx_bouncesEveryRecipient() throws Exception {
    server.on("MAIL", "553 5.7.1 <sender@example.org>: Sender address rejected");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com",
        "b@example.com"));

    assertThat(results).hasSize(2).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.1");
      assertThat(r.text()).endsWith("(in reply to MAIL FROM command)");
    });
    assertThat(server.contents()).isEmpty();
  }

  @Test
  void deliver_pipelinedMailRejectedButDataAccepted_endsEmptyMessageBeforeQuit() throws Exception {
    params.put("smtp_data_done_timeout", "10s");
    params.put("smtp_quit_timeout", "10s");
    server.on("MAIL", "553 5.7.1 <sender@example.org>: Sender address rejected");
    server.on("DATA", "354 End data with <CR><LF>.<CR><LF>");

    var results = deliver(TestRequests.simple(tmp.resolve("q"), literal(), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.BOUNCED);
      assertThat(r.dsn()).isEqualTo("5.7.1");
    });
    assertThat(server.contents()).containsExactly("");
    assertThat(server.commands()).containsSubsequence("DATA", "QUIT");
  }
}
