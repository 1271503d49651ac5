package org.postern.smtp;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.postern.dns.MxRecord;
import org.postern.tls.PemKeyMaterial;
import org.postern.tls.ServerTlsContexts;
import org.postern.tls.TestPki;

/**
 * The DANE test world of the SMTP client's unit tests: example.com's MX hosts as scripted STARTTLS
 * servers (mx1 on 127.0.0.1, mx2 on 127.0.0.2, one port), each with a certificate for its name
 * from one test root, DNSSEC-authentic MX and address answers, and main.cf at the {@code dane}
 * level. Only mx1 is the MX; tests add mx2 when they need a second one.
 */
final class DaneMxHosts implements AutoCloseable {
  /** Certificates made once per test class. */
  record Certificates(TestPki.Issued root, TestPki.Issued mx1, TestPki.Issued mx2,
      SSLContext mx1Tls, SSLContext mx2Tls) {
    static Certificates make(Path dir) throws Exception {
      TestPki pki = new TestPki(dir);
      TestPki.Issued root = pki.rootCa("root");
      TestPki.Issued mx1 = pki.leaf("mx1", root, "mx1.example.com");
      TestPki.Issued mx2 = pki.leaf("mx2", root, "mx2.example.com");
      return new Certificates(root, mx1, mx2,
          ServerTlsContexts.create(PemKeyMaterial.load(pki.chainFile("mx1", mx1, root), mx1.key())),
          ServerTlsContexts.create(PemKeyMaterial.load(pki.chainFile("mx2", mx2, root), mx2.key())));
    }
  }

  final ScriptedSmtpServer mx1;
  final ScriptedSmtpServer mx2;
  private final int port;

  private DaneMxHosts(ScriptedSmtpServer mx1, ScriptedSmtpServer mx2, int port) {
    this.mx1 = mx1;
    this.mx2 = mx2;
    this.port = port;
  }

  /** Starts both hosts announcing {@code keywords}, and fills {@code dns} and {@code params}. */
  static DaneMxHosts start(Certificates c, List<String> keywords, FakeResolver dns,
      Map<String, String> params) throws Exception {
    ScriptedSmtpServer mx1 = ScriptedSmtpServer.tcp("127.0.0.1", 0);
    ScriptedSmtpServer mx2 = ScriptedSmtpServer.tcp("127.0.0.2", mx1.port());
    for (ScriptedSmtpServer s : List.of(mx1, mx2)) {
      s.keywords = keywords;
    }
    mx1.tls = c.mx1Tls();
    mx2.tls = c.mx2Tls();
    dns.authentic = true;
    dns.mx.put("example.com", List.of(new MxRecord(10, "mx1.example.com")));
    dns.hosts.put("mx1.example.com", List.of(InetAddress.getByName("127.0.0.1")));
    dns.hosts.put("mx2.example.com", List.of(InetAddress.getByName("127.0.0.2")));
    params.put("myhostname", "client.example");
    params.put("inet_protocols", "ipv4");
    params.put("smtp_tls_security_level", "dane");
    params.put("smtp_dns_support_level", "dnssec");
    params.put("smtp_tcp_port", String.valueOf(mx1.port()));
    return new DaneMxHosts(mx1, mx2, mx1.port());
  }

  /** The TLSA owner name of {@code host} on the hosts' port. */
  String tlsaName(String host) {
    return "_" + port + "._tcp." + host;
  }

  @Override
  public void close() throws Exception {
    mx1.close();
    mx2.close();
  }
}
