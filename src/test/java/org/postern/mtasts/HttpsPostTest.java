package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;
import org.postern.tls.PemKeyMaterial;
import org.postern.tls.ServerTlsContexts;
import org.postern.tls.TestPki;

/** A POST over the policy fetcher's socket, against an in-process HTTPS server. */
class HttpsPostTest {
  private static final String ADDRESS = "127.0.74.20";
  @TempDir static Path pkiDir;
  private static TestPki.Issued root;
  private static javax.net.ssl.SSLContext serverTls;

  private SSLServerSocket server;
  private CompletableFuture<String> received;
  private String response = "HTTP/1.1 204 No Content\r\n\r\n";

  private final Resolver dns = new Resolver() {
    @Override
    public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
      throw new DnsLookupException("no MX", false);
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols)
        throws DnsLookupException {
      try {
        return new DnsAnswer<>(List.of(InetAddress.getByName(ADDRESS)), false);
      } catch (IOException e) {
        throw new DnsLookupException(e.getMessage(), false);
      }
    }
  };

  @BeforeAll
  static void makeCertificates() throws Exception {
    TestPki pki = new TestPki(pkiDir);
    root = pki.rootCa("root");
    TestPki.Issued leaf = pki.leaf("reports", root, "reports.example");
    serverTls = ServerTlsContexts.create(
        PemKeyMaterial.load(pki.chainFile("reports", leaf, root), leaf.key()));
  }

  @BeforeEach
  void start() throws Exception {
    server = (SSLServerSocket) serverTls.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getByName(ADDRESS));
    received = CompletableFuture.supplyAsync(this::serveOne);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private String serveOne() {
    try (var s = server.accept()) {
      InputStream in = s.getInputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      int length = -1;
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) >= 0; ) {
        request.write(c);
        line.append((char) c);
        if (c == '\n') {
          String l = line.toString().strip();
          if (l.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(l.substring(15).strip());
          }
          if (l.isEmpty()) {
            break;
          }
          line.setLength(0);
        }
      }
      request.write(in.readNBytes(length));
      s.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return request.toString(StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "server: " + e;
    }
  }

  private HttpsPost client() throws Exception {
    return new HttpsPost(dns, InetProtocols.ALL, root.cert().toString(), Duration.ofSeconds(10));
  }

  @Test
  void post_trustedServer_requestWithTypeLengthAndBody() throws Exception {
    URI uri = URI.create("https://reports.example:" + server.getLocalPort() + "/tlsrpt?x=1");

    client().post(uri, "application/tlsrpt+gzip", new byte[] {1, 2, 3});

    String request = received.get(10, TimeUnit.SECONDS);
    assertThat(request).startsWith("POST /tlsrpt?x=1 HTTP/1.1\r\n")
        .contains("\r\nHost: reports.example:" + server.getLocalPort() + "\r\n")
        .contains("\r\nContent-Type: application/tlsrpt+gzip\r\n")
        .contains("\r\nContent-Length: 3\r\n")
        .endsWith("\r\n\r\n\u0001\u0002\u0003");
  }

  @Test
  void post_serverError_throwsNamingUriAndStatus() throws Exception {
    response = "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n";
    URI uri = URI.create("https://reports.example:" + server.getLocalPort() + "/");

    assertThatThrownBy(() -> client().post(uri, "application/tlsrpt+gzip", new byte[] {1}))
        .isInstanceOf(IOException.class).hasMessage(uri + ": HTTP status 500");
  }

  @Test
  void post_certificateForAnotherName_throws() throws Exception {
    URI uri = URI.create("https://other.example:" + server.getLocalPort() + "/");

    assertThatThrownBy(() -> client().post(uri, "application/tlsrpt+gzip", new byte[] {1}))
        .isInstanceOf(IOException.class).hasMessageStartingWith(uri + " [" + ADDRESS + "]: ");
  }
}
