package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client certificates across the TLS engines, over real sockets on 127.0.97.21: a server of
 * either engine that asks ({@code smtpd_tls_ask_ccert}) receives the certificate a client of
 * either engine presents ({@code smtp_tls_cert_file}), and judges it the same way after the
 * handshake: trusted from the configured CA (also through an intermediate the client sends),
 * untrusted from another CA, absent when the client has none.
 */
class ClientCertificateEnginesTest {
  private static final InetAddress HOST = address("127.0.97.21");
  private static final TlsParameters BOTH = new TlsParameters(List.of("TLSv1.3", "TLSv1.2"),
      List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
  private static final TlsParameters TLS12 = new TlsParameters(List.of("TLSv1.2"),
      List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));

  /** Which engine runs each side. */
  enum Pairing {
    JDK_SERVER_BORINGSSL_CLIENT(TlsEngine.JDK, TlsEngine.BORINGSSL),
    BORINGSSL_SERVER_JDK_CLIENT(TlsEngine.BORINGSSL, TlsEngine.JDK),
    BORINGSSL_BOTH(TlsEngine.BORINGSSL, TlsEngine.BORINGSSL),
    JDK_BOTH(TlsEngine.JDK, TlsEngine.JDK);

    final TlsEngine server;
    final TlsEngine client;

    Pairing(TlsEngine server, TlsEngine client) {
      this.server = server;
      this.client = client;
    }
  }

  @TempDir static Path dir;
  private static TestPki.Issued ca;
  private static PemKeyMaterial server;
  private static PemKeyMaterial client;
  private static PemKeyMaterial rogue;
  private static PemKeyMaterial viaIntermediate;

  @BeforeAll
  static void pki() throws Exception {
    assertThat(BoringSsl.unavailable()).isEmpty();
    TestPki pki = new TestPki(dir);
    ca = pki.rootCa("Postern Test CA");
    server = load(pki.leaf("mx.test", ca, "mx.test"));
    client = load(pki.leaf("client.test", ca, "client.test"));
    rogue = load(pki.leaf("rogue.test", pki.rootCa("Rogue CA"), "rogue.test"));
    TestPki.Issued intermediate = pki.intermediateCa("Postern Sub CA", ca);
    TestPki.Issued leaf = pki.leaf("sub-client.test", intermediate, "sub-client.test");
    viaIntermediate =
        PemKeyMaterial.load(pki.chainFile("sub-client", leaf, intermediate), leaf.key());
  }

  @ParameterizedTest
  @EnumSource(Pairing.class)
  void certificateFromTheCa_trustedWithNamesAndFingerprint(Pairing p) throws Exception {
    ClientCertificate seen = handshake(p, List.of(client), BOTH).orElseThrow();

    assertThat(seen.subjectCn()).isEqualTo("client.test");
    assertThat(seen.issuerCn()).isEqualTo("Postern Test CA");
    assertThat(seen.trusted()).isTrue();
    assertThat(seen.fingerprint()).isEqualTo(ServerCertificateCheck.withoutDefaults("", "", "sha256")
        .fingerprint(client.chain().getFirst().getEncoded()));
  }

  @ParameterizedTest
  @EnumSource(Pairing.class)
  void chainThroughIntermediate_tls12_trusted(Pairing p) throws Exception {
    ClientCertificate seen = handshake(p, List.of(viaIntermediate), TLS12).orElseThrow();

    assertThat(seen.subjectCn()).isEqualTo("sub-client.test");
    assertThat(seen.trusted()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Pairing.class)
  void certificateFromAnotherCa_presentButUntrusted(Pairing p) throws Exception {
    ClientCertificate seen = handshake(p, List.of(rogue), BOTH).orElseThrow();

    assertThat(seen.subjectCn()).isEqualTo("rogue.test");
    assertThat(seen.trusted()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Pairing.class)
  void clientWithoutKeys_handshakeSucceedsWithNone(Pairing p) throws Exception {
    assertThat(handshake(p, List.of(), BOTH)).isEmpty();
  }

  private static ClientCertificates certificates() throws TlsConfigException {
    return ClientCertificates.create(ca.cert().toString(), "", "sha256");
  }

  /** One handshake and a byte each way: what the server records about the client. */
  private static Optional<ClientCertificate> handshake(Pairing p, List<PemKeyMaterial> keys,
      TlsParameters parameters) throws Exception {
    ClientCertificates certs = certificates();
    ServerTlsContext serverContext = serverContext(p.server, parameters, certs);
    ClientTlsContext clientContext = clientContext(p.client, keys);
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(HOST, 0));
      CompletableFuture<Optional<ClientCertificate>> seen = CompletableFuture.supplyAsync(() -> {
        try (Socket s = listener.accept(); TlsConnection c = serverContext.accept(s)) {
          c.output().write('!');
          c.output().flush();
          c.input().read();
          return serverContext.clientCertificates().orElseThrow().peer(c.session());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try (Socket plain = new Socket(HOST, listener.getLocalPort());
          TlsConnection c = clientContext.connect(plain, "mx.test", parameters)) {
        plain.setSoTimeout(20_000);
        assertThat(c.input().read()).isEqualTo('!');
        c.output().write('?');
        c.output().flush();
        return seen.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static ServerTlsContext serverContext(TlsEngine engine, TlsParameters parameters,
      ClientCertificates certs) throws TlsConfigException {
    return switch (engine) {
      case JDK -> new ServerTlsContext.Jsse(ServerTlsContexts.create(server, Optional.of(certs)),
          parameters, Optional.of(certs));
      case BORINGSSL -> new BoringSslServerContext(server, parameters, Optional.of(certs));
    };
  }

  private static ClientTlsContext clientContext(TlsEngine engine, List<PemKeyMaterial> keys)
      throws TlsConfigException {
    TlsEngine before = TlsEngine.selected();
    TlsEngine.select(engine);
    try {
      return ClientTlsContexts.forEngine(keys);
    } finally {
      TlsEngine.select(before);
    }
  }

  private static PemKeyMaterial load(TestPki.Issued issued) throws TlsConfigException {
    return PemKeyMaterial.load(issued.cert(), issued.key());
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
