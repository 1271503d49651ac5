package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.queue.Recipient;
import org.postern.table.Tables;

class LmtpDeliveryTest {
  @TempDir Path tmp;

  private List<RecipientResult> deliver(Map<String, String> params,
      org.postern.deliver.DeliveryRequest request) throws Exception {
    try (SmtpDelivery agent = new SmtpDelivery(
        SmtpSettings.of(MainConfig.of(tmp, params), Protocol.LMTP), Tables::open,
        new FakeResolver(), Clock.systemUTC(), new Random(1))) {
      return agent.deliver(request);
    }
  }

  @Test
  void deliver_unixSocket_lhloAndOneReplyPerRecipient() throws Exception {
    Path socket = tmp.resolve("lmtp.sock");
    try (ScriptedSmtpServer server = ScriptedSmtpServer.unix(socket)) {
      server.lmtp = true;
      server.keywords = List.of("PIPELINING", "ENHANCEDSTATUSCODES");
      server.on("END#2", "452 4.2.2 <b@example.com>: mailbox full");

      var results = deliver(Map.of("myhostname", "client.example"),
          TestRequests.simple(tmp.resolve("q"), "unix:" + socket, "a@example.com",
              "b@example.com"));

      assertThat(server.commands()).containsSubsequence(
          "LHLO client.example", "MAIL FROM:<sender@example.org>", "RCPT TO:<a@example.com>",
          "RCPT TO:<b@example.com>", "DATA");
      assertThat(results).hasSize(2);
      assertThat(results.get(0).status()).isEqualTo(Status.SENT);
      assertThat(results.get(0).relay()).isEqualTo("client.example[" + socket + "]");
      assertThat(results.get(0).action()).isEqualTo("delivered");
      assertThat(results.get(0).tlsStatus().orElseThrow().format()).isEqualTo("none");
      assertThat(results.get(1).status()).isEqualTo(Status.DEFERRED);
      assertThat(results.get(1).dsn()).isEqualTo("4.2.2");
      assertThat(results.get(1).text()).endsWith("(in reply to end of DATA command)");
    }
  }

  @Test
  void deliver_unixSocketRequireTls_policyLooksUpMyhostname() throws Exception {
    Path socket = tmp.resolve("lmtp.sock");
    try (ScriptedSmtpServer server = ScriptedSmtpServer.unix(socket)) {
      server.lmtp = true;
      var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), true, false,
          Optional.empty(), Optional.empty(), Optional.empty());
      var request = TestRequests.request(tmp.resolve("q"), "unix:" + socket, env,
          TestRequests.SIMPLE);

      var results = deliver(Map.of("myhostname", "client.example",
          "lmtp_requiretls_policy", "inline:{{client.example = enforce}}, opportunistic"),
          request);

      assertThat(results).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(Status.BOUNCED);
        assertThat(r.dsn()).isEqualTo("5.7.10");
        assertThat(r.tlsStatus().orElseThrow().format())
            .isEqualTo("none?/!requiretls:nocertmatch");
      });
      assertThat(server.sessions).isZero();
    }
  }

  @Test
  void deliver_unixSocketWithSasl_lmtpParametersAndPathAsKey() throws Exception {
    Path socket = tmp.resolve("lmtp.sock");
    Path passwords = tmp.resolve("lmtp_passwd");
    java.nio.file.Files.writeString(passwords, socket + " mda:pw\n");
    try (ScriptedSmtpServer server = ScriptedSmtpServer.unix(socket)) {
      server.lmtp = true;
      server.keywords = List.of("AUTH PLAIN");
      server.on("AUTH", "235 2.7.0 Ok");

      var results = deliver(Map.of("myhostname", "client.example",
          "lmtp_sasl_auth_enable", "yes", "lmtp_sasl_password_maps", "texthash:" + passwords,
          "lmtp_sasl_security_options", "noanonymous"),
          TestRequests.simple(tmp.resolve("q"), "unix:" + socket, "a@example.com"));

      assertThat(results).singleElement()
          .satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
      assertThat(server.commands()).containsSubsequence("LHLO client.example",
          "AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
              "\0mda\0pw".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          "MAIL FROM:<sender@example.org>");
    }
  }
}
