package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real handshakes on 127.0.95.40 between a server context that asks for client certificates and
 * a client context that presents one (or none): what the server makes of each.
 */
class ClientCertificatesTest {
  @TempDir static Path dir;
  private static TestPki.Issued ca;
  private static PemKeyMaterial server;
  private static PemKeyMaterial client;
  private static PemKeyMaterial rogue;
  private static PemKeyMaterial viaIntermediate;

  @BeforeAll
  static void pki() throws Exception {
    TestPki pki = new TestPki(dir);
    ca = pki.rootCa("Postern Test CA");
    server = load(pki.leaf("mx.test", ca, "mx.test"));
    client = load(pki.leaf("client.test", ca, "client.test"));
    rogue = load(pki.leaf("rogue.test", pki.rootCa("Rogue CA"), "rogue.test"));
    TestPki.Issued intermediate = pki.intermediateCa("Postern Sub CA", ca);
    TestPki.Issued leaf = pki.leaf("sub-client.test", intermediate, "sub-client.test");
    viaIntermediate = PemKeyMaterial.load(pki.chainFile("sub-client", leaf, intermediate), leaf.key());
  }

  private static PemKeyMaterial load(TestPki.Issued issued) throws TlsConfigException {
    return PemKeyMaterial.load(issued.cert(), issued.key());
  }

  /** One handshake: what the server records about the client's certificate. */
  private static Optional<ClientCertificate> handshake(ClientCertificates certs, SSLContext clientContext)
      throws Exception {
    SSLContext serverContext = ServerTlsContexts.create(server, Optional.of(certs));
    try (ServerSocket listener = serverContext.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getByName("127.0.95.40"))) {
      CompletableFuture<Optional<ClientCertificate>> seen = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setWantClientAuth(true);
          s.startHandshake();
          return certs.peer(s.getSession());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket c = (SSLSocket) clientContext.getSocketFactory()
          .createSocket(listener.getInetAddress(), listener.getLocalPort())) {
        c.startHandshake();
        return seen.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static SSLContext presenting(PemKeyMaterial keys) throws Exception {
    return ClientTlsContexts.create(List.of(keys));
  }

  @Test
  void caFile_verifiedCertificateWithNamesAndFingerprints() throws Exception {
    ClientCertificates certs = ClientCertificates.create(ca.cert().toString(), "", "sha256");
    ClientCertificate c = handshake(certs, presenting(client)).orElseThrow();
    assertThat(c.subjectCn()).isEqualTo("client.test");
    assertThat(c.issuerCn()).isEqualTo("Postern Test CA");
    assertThat(c.trusted()).isTrue();
    assertThat(c.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(c.pubkeyFingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")
        .isNotEqualTo(c.fingerprint());
  }

  @Test
  void caPath_otherCaCertificate_presentButNotTrusted() throws Exception {
    Path caPath = Files.createDirectories(dir.resolve("capath"));
    Files.copy(ca.cert(), caPath.resolve("ca.pem"));
    ClientCertificates certs = ClientCertificates.create("", caPath.toString(), "sha256");
    assertThat(handshake(certs, presenting(client)).orElseThrow().trusted()).isTrue();
    ClientCertificate other = handshake(certs, presenting(rogue)).orElseThrow();
    assertThat(other.subjectCn()).isEqualTo("rogue.test");
    assertThat(other.trusted()).isFalse();
  }

  @Test
  void chainThroughIntermediate_trustedByTheRoot() throws Exception {
    ClientCertificates certs = ClientCertificates.create(ca.cert().toString(), "", "sha256");
    ClientCertificate c = handshake(certs, presenting(viaIntermediate)).orElseThrow();
    assertThat(c.subjectCn()).isEqualTo("sub-client.test");
    assertThat(c.issuerCn()).isEqualTo("Postern Sub CA");
    assertThat(c.trusted()).isTrue();
  }

  @Test
  void noCaConfigured_nothingTrusted_md5Fingerprint() throws Exception {
    ClientCertificates certs = ClientCertificates.create("", "", "md5");
    ClientCertificate c = handshake(certs, presenting(client)).orElseThrow();
    assertThat(c.trusted()).isFalse();
    assertThat(c.fingerprint()).matches("([0-9A-F]{2}:){15}[0-9A-F]{2}");
  }

  @Test
  void unknownDigest_namesTheSmtpdParameter() {
    assertThatThrownBy(() -> ClientCertificates.create("", "", "sha3"))
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("smtpd_tls_fingerprint_digest: unsupported digest: \"sha3\"");
  }

  @Test
  void clientWithoutCertificate_handshakeSucceedsWithNone() throws Exception {
    ClientCertificates certs = ClientCertificates.create(ca.cert().toString(), "", "sha256");
    assertThat(handshake(certs, ClientTlsContexts.create())).isEmpty();
  }
}
