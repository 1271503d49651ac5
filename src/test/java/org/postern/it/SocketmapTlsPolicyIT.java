package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smtp_tls_policy_maps = socketmap:inet:...:policy} against a socketmap server written
 * here (netstrings, Sendmail's socket map protocol): the policy it answers for a next hop is the
 * level the delivery uses, in the {@code tls=} field and in what arrives at aiosmtpd servers
 * with STARTTLS and a certificate for {@code mx.peer.test}; a next hop it does not know gets
 * {@code smtp_tls_security_level}.
 */
class SocketmapTlsPolicyIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private static SocketmapServer socketmap;
  private static AiosmtpdPeer secure;
  private static AiosmtpdPeer wrong;
  private static AiosmtpdPeer unlisted;
  private static int securePort;
  private static int wrongPort;
  private static int unlistedPort;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.peer.test");
    String[] tls = {"--tls", mx.get(0).toString(), mx.get(1).toString()};
    securePort = PosternInstance.freePort();
    wrongPort = PosternInstance.freePort();
    unlistedPort = PosternInstance.freePort();
    secure = AiosmtpdPeer.start(dir, "127.0.0.1", securePort, tls);
    wrong = AiosmtpdPeer.start(dir, "127.0.0.1", wrongPort, tls);
    unlisted = AiosmtpdPeer.start(dir, "127.0.0.1", unlistedPort, tls);
    socketmap =
        new SocketmapServer(
            "policy",
            Map.of(
                "[127.0.0.1]:" + securePort, "secure match=mx.peer.test",
                "[127.0.0.1]:" + wrongPort, "secure match=wrong.test"));
    Path transport = dir.resolve("transport");
    Files.writeString(
        transport,
        String.join(
            "\n",
            "secure.test smtp:[127.0.0.1]:" + securePort,
            "wrong.test smtp:[127.0.0.1]:" + wrongPort,
            "unlisted.test smtp:[127.0.0.1]:" + unlistedPort,
            ""));
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "defer_transports =",
                "transport_maps = texthash:" + transport,
                "smtp_tls_security_level = may",
                "smtp_tls_CAfile = " + pki.caCert(),
                "smtp_tls_policy_maps = socketmap:inet:127.0.0.1:" + socketmap.port() + ":policy",
                ""));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {secure, wrong, unlisted, socketmap}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  private static String deliver(String domain, String status) throws Exception {
    String id = Submit.swaks(postern, "sender@client.test", "box@" + domain, "--header", "Subject: to " + domain);
    return postern.awaitLog(
        Pattern.compile("(" + id + ": to=<box@" + Pattern.quote(domain) + ">, .*status=" + status + " .*)"), LIMIT);
  }

  @Test
  void socketmapAnswersSecure_deliveredVerifiedTlsSecure() throws Exception {
    String line = deliver("secure.test", "sent");

    assertThat(line).contains(", tls=secure,");
    assertThat(socketmap.queries()).contains("policy [127.0.0.1]:" + securePort);
    AiosmtpdPeer.Message m = secure.awaitMessages(1, LIMIT).get(0);
    assertThat(m.tls()).isTrue();
    assertThat(m.text()).contains("Subject: to secure.test");
  }

  @Test
  void socketmapAnswersSecureOtherName_deferredNothingArrives() throws Exception {
    String line = deliver("wrong.test", "deferred");

    assertThat(line).contains(", tls=!secure").contains("dsn=4.");
    assertThat(socketmap.queries()).contains("policy [127.0.0.1]:" + wrongPort);
    assertThat(wrong.messages()).isEmpty();
    assertThat(wrong.mails()).isEmpty();
  }

  @Test
  void socketmapNotFound_mainLevelMay() throws Exception {
    String line = deliver("unlisted.test", "sent");

    assertThat(line).contains(", tls=may,");
    assertThat(socketmap.queries()).contains("policy [127.0.0.1]:" + unlistedPort);
    assertThat(unlisted.awaitMessages(1, LIMIT).get(0).tls()).isTrue();
  }

  /**
   * A socketmap server: reads netstrings {@code "NAME KEY"} and answers {@code "OK VALUE"} or
   * {@code "NOTFOUND "} as netstrings, several per connection; records every query.
   */
  private static final class SocketmapServer implements AutoCloseable {
    private final ServerSocket socket;
    private final String name;
    private final Map<String, String> answers;
    private final List<String> queries = new CopyOnWriteArrayList<>();

    SocketmapServer(String name, Map<String, String> answers) throws IOException {
      this.name = name;
      this.answers = answers;
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread.ofPlatform().daemon().start(this::accept);
    }

    int port() {
      return socket.getLocalPort();
    }

    List<String> queries() {
      return List.copyOf(queries);
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          Thread.ofPlatform().daemon().start(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        s.setSoTimeout(60_000);
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        for (String query; (query = netstring(in)) != null; ) {
          queries.add(query);
          int space = query.indexOf(' ');
          String answer =
              space > 0 && query.substring(0, space).equals(name) && answers.containsKey(query.substring(space + 1))
                  ? "OK " + answers.get(query.substring(space + 1))
                  : "NOTFOUND ";
          byte[] a = answer.getBytes(StandardCharsets.UTF_8);
          out.write((a.length + ":").getBytes(StandardCharsets.US_ASCII));
          out.write(a);
          out.write(',');
          out.flush();
        }
      } catch (IOException e) {
        // The client went away; what it asked is recorded.
      }
    }

    /** One netstring, or null at the end of the stream. */
    private static String netstring(InputStream in) throws IOException {
      int length = 0;
      int c = in.read();
      if (c == -1) {
        return null;
      }
      while (c != ':') {
        if (c < '0' || c > '9') {
          throw new IOException("bad netstring length octet " + c);
        }
        length = length * 10 + (c - '0');
        c = in.read();
      }
      byte[] data = in.readNBytes(length);
      if (data.length != length || in.read() != ',') {
        throw new IOException("truncated netstring");
      }
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(data);
      return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
