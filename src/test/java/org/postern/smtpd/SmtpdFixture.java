package org.postern.smtpd;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postern.config.MainConfig;

/** An in-process smtpd on 127.0.0.1, an ephemeral port, and a RecordingMessageSink. */
final class SmtpdFixture implements AutoCloseable {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-14T05:00:00Z"), ZoneId.of("UTC"));

  final RecordingMessageSink sink = new RecordingMessageSink();
  final List<String> log = new CopyOnWriteArrayList<>();
  final Smtpd smtpd;

  /** Starts smtpd with test parameters overlaid by {@code overrides} (Postfix names). */
  SmtpdFixture(TestCertificates certs, Map<String, String> overrides) throws Exception {
    Map<String, String> params = new HashMap<>();
    params.put("compatibility_level", "3.11");
    params.put("myhostname", "mx.test");
    params.put("local_recipient_maps", "");
    params.put("mydestination", "mx.test");
    params.put("mynetworks", "127.0.0.1/32");
    params.put("smtpd_tls_security_level", "may");
    params.put("smtpd_tls_cert_file", certs.cert.toString());
    params.put("smtpd_tls_key_file", certs.key.toString());
    params.put("smtpd_tls_received_header", "yes");
    params.putAll(overrides);
    SmtpdSettings settings = TestSmtpdSettings.from(MainConfig.of(Path.of("."), params));
    smtpd =
        new Smtpd(
            settings, sink, new InetSocketAddress("127.0.0.1", 0), Duration.ofSeconds(5), CLOCK, log::add);
    smtpd.start();
  }

  ScriptedSmtpClient client() throws Exception {
    return new ScriptedSmtpClient(smtpd.localAddress(), "127.0.0.1");
  }

  ScriptedSmtpClient clientFrom(String bindAddress) throws Exception {
    return new ScriptedSmtpClient(smtpd.localAddress(), bindAddress);
  }

  int port() {
    return smtpd.localAddress().getPort();
  }

  @Override
  public void close() {
    try {
      smtpd.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
