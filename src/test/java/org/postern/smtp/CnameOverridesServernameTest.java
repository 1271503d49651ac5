package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.queue.Recipient;
import org.postern.table.Tables;

/**
 * {@code smtp_cname_overrides_servername}: example.com's MX host {@code alias.example.net} is a
 * CNAME for {@code mx1.example.com}, whose scripted STARTTLS server holds a certificate for
 * {@code mx1.example.com} only. With the default (no) the MX name is the server name, so the
 * {@code verify} level finds no match; with yes the CNAME-expanded name is, and it matches.
 */
class CnameOverridesServernameTest {
  @TempDir static Path pkiDir;
  private static DaneMxHosts.Certificates certificates;

  @TempDir Path tmp;
  private DaneMxHosts hosts;
  private final FakeResolver dns = new FakeResolver();
  private final Map<String, String> params = new HashMap<>();

  @BeforeAll
  static void makeCertificates() throws Exception {
    certificates = DaneMxHosts.Certificates.make(pkiDir);
  }

  @BeforeEach
  void start() throws Exception {
    hosts = DaneMxHosts.start(certificates, List.of("PIPELINING", "STARTTLS"), dns, params);
    dns.mx.put("example.com", List.of(new MxRecord(10, "alias.example.net")));
    dns.hosts.put("alias.example.net", List.of(InetAddress.getByName("127.0.0.1")));
    dns.aliases.put("alias.example.net", "mx1.example.com");
    params.put("smtp_tls_security_level", "verify");
    params.put("smtp_tls_CAfile", certificates.root().cert().toString());
  }

  @AfterEach
  void stop() throws Exception {
    hosts.close();
  }

  private RecipientResult deliver() throws Exception {
    var env = TestRequests.envelope(List.of(Recipient.of("a@example.com")), false, false,
        Optional.empty(), Optional.empty(), Optional.empty());
    try (SmtpDelivery agent = new SmtpDelivery(
        SmtpSettings.of(MainConfig.of(tmp, params), Protocol.SMTP), Tables::open, dns,
        Clock.systemUTC(), new Random(1))) {
      return agent.deliver(TestRequests.request(tmp.resolve("q"), "example.com", env,
          TestRequests.SIMPLE)).getFirst();
    }
  }

  @Test
  void deliver_default_mxNameIsTheServerName_certificateForTheCanonicalNameDoesNotMatch()
      throws Exception {
    RecipientResult r = deliver();

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.text()).isEqualTo("Server certificate not verified");
    assertThat(r.relay()).startsWith("alias.example.net[127.0.0.1]:");
  }

  @Test
  void deliver_overrideOn_canonicalNameIsTheServerName_certificateMatches() throws Exception {
    params.put("smtp_cname_overrides_servername", "yes");

    RecipientResult r = deliver();

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(r.relay()).startsWith("mx1.example.com[127.0.0.1]:");
    assertThat(hosts.mx1.contents()).hasSize(1);
  }

  @Test
  void find_overrideOnOrOff_serverNamedByCanonicalNameOrMxName() throws Exception {
    Destination d = Destination.parse("example.com", Protocol.SMTP, "smtp", "me.example");
    AddressOrder order = new AddressOrder(AddressOrder.Preference.ANY, false, true, 5,
        new Random(1));

    assertThat(new ServerFinder(dns, InetProtocols.ALL, "me.example", order, false).find(d))
        .extracting(Server::hostname).containsExactly("alias.example.net");
    assertThat(new ServerFinder(dns, InetProtocols.ALL, "me.example", order, true).find(d))
        .singleElement().satisfies(s -> {
          assertThat(s.hostname()).isEqualTo("mx1.example.com");
          assertThat(s.canonicalName()).contains("mx1.example.com");
        });
  }

  @Test
  void settings_lmtpHasItsOwnParameter() {
    params.put("smtp_cname_overrides_servername", "yes");
    MainConfig config = MainConfig.of(tmp, params);

    assertThat(SmtpSettings.of(config, Protocol.SMTP).cnameOverridesServername()).isTrue();
    assertThat(SmtpSettings.of(config, Protocol.LMTP).cnameOverridesServername()).isFalse();
  }
}
