package org.postern.smtp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.table.Tables;

/**
 * What the SMTP client's scripted-server tests share: one {@link ScriptedSmtpServer} on loopback
 * per test, a {@link FakeResolver}, and main.cf parameters (level {@code may}, the server's port)
 * that a test adds to before {@link #deliver} builds the agent from them.
 */
abstract class ScriptedDeliveryTest {
  @TempDir Path tmp;
  ScriptedSmtpServer server;
  final FakeResolver dns = new FakeResolver();
  final Map<String, String> params = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    server = ScriptedSmtpServer.tcp();
    params.put("myhostname", "client.example");
    params.put("inet_protocols", "ipv4");
    params.put("smtp_tls_security_level", "may");
    params.put("smtp_tcp_port", String.valueOf(server.port()));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** Delivers {@code request} with a fresh agent built from {@link #params}. */
  List<RecipientResult> deliver(DeliveryRequest request) throws Exception {
    MainConfig config = MainConfig.of(tmp, params);
    try (SmtpDelivery agent = new SmtpDelivery(SmtpSettings.of(config, Protocol.SMTP),
        Tables::open, dns, Clock.systemUTC(), new Random(1))) {
      return agent.deliver(request);
    }
  }

  /** The scripted server as a next hop without MX lookup. */
  String literal() throws Exception {
    return "[127.0.0.1]:" + server.port();
  }
}
