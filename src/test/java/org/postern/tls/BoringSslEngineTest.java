package org.postern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BoringSSL engine over blocking sockets against the JDK engine and openssl(1): handshakes
 * both ways where the server speaks first (as SMTP's greeting does), SNI, the protocols and
 * suites of the parameters, bulk data, close_notify, a failed handshake on both sides, and TLS
 * 1.3 resumption of smtpd's tickets.
 */
class BoringSslEngineTest {
  private static final InetAddress HOST = address("127.0.97.11");
  private static final TlsParameters BOTH = new TlsParameters(List.of("TLSv1.3", "TLSv1.2"),
      List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"));
  @TempDir static Path dir;
  private static PemKeyMaterial ecdsa;
  private static Path ecdsaCert;
  private static PemKeyMaterial rsa;

  @BeforeAll
  static void keys() throws Exception {
    assertThat(BoringSsl.unavailable()).isEmpty();
    TestPki.Issued leaf = new TestPki(dir).leaf("mx", null, "mx.example.org");
    ecdsaCert = leaf.cert();
    ecdsa = PemKeyMaterial.load(leaf.cert(), leaf.key());
    Path rsaKey = dir.resolve("rsa.key");
    Path rsaCert = dir.resolve("rsa.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-days", "2", "-subj", "/CN=rsa.example.org", "-keyout", rsaKey.toString(), "-out",
        rsaCert.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    rsa = PemKeyMaterial.load(rsaCert, rsaKey);
  }

  @Test
  void boringSslServer_jdkClient_greetingFirstThenEcho() throws Exception {
    SSLSession client = exchange(new BoringSslServerContext(ecdsa, BOTH),
        new ClientTlsContext.Jsse(ClientTlsContexts.create()), BOTH);

    assertThat(client.getProtocol()).isEqualTo("TLSv1.3");
    assertThat(client.getCipherSuite()).startsWith("TLS_AES_");
  }

  @Test
  void jdkServer_boringSslClient_sessionNamesPeerChain() throws Exception {
    ServerTlsContext jdk = new ServerTlsContext.Jsse(ServerTlsContexts.create(ecdsa), BOTH);

    SSLSession client = exchange(jdk, new BoringSslClientContext(), BOTH);

    assertThat(client.getProtocol()).isEqualTo("TLSv1.3");
    assertThat(client.getPeerCertificates()[0]).isInstanceOf(X509Certificate.class);
    assertThat(((X509Certificate) client.getPeerCertificates()[0]).getEncoded())
        .isEqualTo(ecdsa.chain().get(0).getEncoded());
  }

  @Test
  void boringSslBothSides_rsaCertificate_tls12Only() throws Exception {
    TlsParameters tls12 = new TlsParameters(List.of("TLSv1.2"),
        List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));

    SSLSession client = exchange(new BoringSslServerContext(rsa, tls12),
        new BoringSslClientContext(), tls12);

    assertThat(client.getProtocol()).isEqualTo("TLSv1.2");
    assertThat(client.getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  void boringSslClient_sendsServerNameToJdkServer() throws Exception {
    ServerTlsContext jdk = new ServerTlsContext.Jsse(ServerTlsContexts.create(ecdsa), BOTH);
    try (ServerSocket listener = listen()) {
      CompletableFuture<SSLSession> server = CompletableFuture.supplyAsync(() -> {
        try (Socket s = listener.accept(); TlsConnection c = jdk.accept(s)) {
          c.input().read();
          return c.session();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      try (Socket plain = connect(listener);
          TlsConnection c = new BoringSslClientContext().connect(plain, "mx.example.org", BOTH)) {
        c.output().write('x');
        c.output().flush();
        ExtendedSSLSession seen = (ExtendedSSLSession) server.get(20, TimeUnit.SECONDS);
        assertThat(seen.getRequestedServerNames())
            .containsExactly(new SNIHostName("mx.example.org"));
      }
    }
  }

  @Test
  void noCommonProtocol_bothSidesFailWithoutHanging() throws Exception {
    TlsParameters tls13 = new TlsParameters(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"));
    TlsParameters tls12 = new TlsParameters(List.of("TLSv1.2"),
        List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
    BoringSslServerContext server = new BoringSslServerContext(ecdsa, tls13);
    try (ServerSocket listener = listen()) {
      CompletableFuture<Throwable> serverFailure = CompletableFuture.supplyAsync(() -> {
        try (Socket s = listener.accept()) {
          s.setSoTimeout(20_000);
          server.accept(s).close();
          return null;
        } catch (IOException e) {
          return e;
        }
      });
      try (Socket plain = connect(listener)) {
        plain.setSoTimeout(20_000);
        assertThatThrownBy(() -> new BoringSslClientContext().connect(plain, "mx", tls12))
            .isInstanceOf(IOException.class);
      }
      assertThat(serverFailure.get(20, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
          .hasMessageContaining("PROTOCOL");
    }
  }

  @Test
  void bulkDataBothWays_thenCloseNotifyReadsAsEndOfStream() throws Exception {
    BoringSslServerContext context = new BoringSslServerContext(ecdsa, BOTH);
    byte[] data = new byte[1_000_003];
    new java.util.Random(7).nextBytes(data);
    try (ServerSocket listener = listen()) {
      CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
        try (Socket s = listener.accept(); TlsConnection c = context.accept(s)) {
          byte[] got = c.input().readAllBytes(); // until the client's close_notify
          return got;
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      Socket plain = connect(listener);
      TlsConnection c = new BoringSslClientContext().connect(plain, "mx.example.org", BOTH);
      OutputStream out = c.output();
      for (int i = 0; i < data.length; i += 7000) {
        out.write(data, i, Math.min(7000, data.length - i));
      }
      c.close();
      assertThat(plain.isClosed()).isTrue();
      assertThat(server.get(30, TimeUnit.SECONDS)).isEqualTo(data);
    }
  }

  @Test
  void tls13Ticket_resumedByOpensslClient() throws Exception {
    BoringSslServerContext context = new BoringSslServerContext(ecdsa, BOTH);
    Path session = dir.resolve("session.pem");
    try (ServerSocket listener = listen()) {
      CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 2; i++) {
          try (Socket s = listener.accept(); TlsConnection c = context.accept(s)) {
            BufferedReader r = new BufferedReader(
                new InputStreamReader(c.input(), StandardCharsets.US_ASCII));
            String line = r.readLine();
            c.output().write(("echo " + line + "\n").getBytes(StandardCharsets.US_ASCII));
            c.output().flush();
            r.readLine(); // end of stream when s_client leaves
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        }
      });
      String first = sClient(listener, "-sess_out", session.toString());
      String second = sClient(listener, "-sess_in", session.toString());
      server.get(30, TimeUnit.SECONDS);

      assertThat(first).contains("New, TLSv1.3").contains("echo hello");
      assertThat(second).contains("Reused, TLSv1.3").contains("echo hello");
    }
  }

  /** The server greets first, the client answers, the server echoes it; the client's session. */
  private static SSLSession exchange(ServerTlsContext serverContext, ClientTlsContext client,
      TlsParameters parameters) throws Exception {
    try (ServerSocket listener = listen()) {
      CompletableFuture<String> server = CompletableFuture.supplyAsync(() -> {
        try (Socket s = listener.accept(); TlsConnection c = serverContext.accept(s)) {
          c.output().write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
          c.output().flush();
          String line = line(c.input());
          c.output().write(("250 " + line + "\r\n").getBytes(StandardCharsets.US_ASCII));
          c.output().flush();
          return line;
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      try (Socket plain = connect(listener);
          TlsConnection c = client.connect(plain, "mx.example.org", parameters)) {
        assertThat(line(c.input())).isEqualTo("220 ready");
        c.output().write("EHLO client\r\n".getBytes(StandardCharsets.US_ASCII));
        c.output().flush();
        assertThat(line(c.input())).isEqualTo("250 EHLO client");
        assertThat(server.get(20, TimeUnit.SECONDS)).isEqualTo("EHLO client");
        return c.session();
      }
    }
  }

  private static String sClient(ServerSocket listener, String... session) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        HOST.getHostAddress() + ":" + listener.getLocalPort(), "-CAfile", ecdsaCert.toString()));
    cmd.addAll(List.of(session));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write("hello\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
      InputStream out = p.getInputStream();
      StringBuilder seen = new StringBuilder();
      int b;
      while (!seen.toString().contains("echo hello") && (b = out.read()) >= 0) {
        seen.append((char) b);
      }
      in.close();
      seen.append(new String(out.readAllBytes(), StandardCharsets.US_ASCII));
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      return seen.toString();
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        s.append((char) b);
      }
    }
    return s.toString();
  }

  private static ServerSocket listen() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(HOST, 0));
    return s;
  }

  private static Socket connect(ServerSocket listener) throws IOException {
    Socket s = new Socket(HOST, listener.getLocalPort());
    s.setSoTimeout(20_000);
    return s;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
