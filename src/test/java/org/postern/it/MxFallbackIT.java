package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MX lookup through a real resolver (Debian's unbound serving an unsigned {@code .test} zone,
 * reached through {@code postern_dns_resolver_address}) and delivery on port 25 of 127.0.55.x
 * addresses: the most preferred MX refuses connections, the next greets with 421, the third (an
 * aiosmtpd server) takes the message, and the least preferred one is never contacted. A domain
 * with a null MX ({@code 0 .}, RFC 7505) bounces with 5.1.10 without any connection.
 */
class MxFallbackIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private static Unbound unbound;
  private static BusyServer busy;
  private static AiosmtpdPeer mx3;
  private static AiosmtpdPeer mx4;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    unbound =
        Unbound.start(
            dir.resolve("unbound"),
            List.of(
                "multi.test. 300 IN MX 10 mx1.multi.test.",
                "multi.test. 300 IN MX 20 mx2.multi.test.",
                "multi.test. 300 IN MX 30 mx3.multi.test.",
                "multi.test. 300 IN MX 40 mx4.multi.test.",
                "mx1.multi.test. 300 IN A 127.0.55.11",
                "mx2.multi.test. 300 IN A 127.0.55.12",
                "mx3.multi.test. 300 IN A 127.0.55.13",
                "mx4.multi.test. 300 IN A 127.0.55.14",
                "nullmx.test. 300 IN MX 0 .",
                "nullmx.test. 300 IN A 127.0.55.14"));
    busy = new BusyServer("127.0.55.12", 25);
    mx3 = AiosmtpdPeer.start(dir, "127.0.55.13", 25);
    mx4 = AiosmtpdPeer.start(dir, "127.0.55.14", 25);
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = localhost",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "defer_transports =",
                "postern_dns_resolver_address = " + unbound.address(),
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
      for (AutoCloseable c : new AutoCloseable[] {mx3, mx4, busy, unbound}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  @Test
  void mxHosts_triedInPreferenceOrder_thirdTakesTheMessage() throws Exception {
    String id = Submit.swaks(postern, "sender@client.test", "someone@multi.test", "--header", "Subject: mx order");

    String line =
        postern.awaitLog(Pattern.compile("(" + id + ": to=<someone@multi\\.test>, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
    assertThat(line).contains("relay=mx3.multi.test[127.0.55.13]:25").contains("status=sent");
    assertThat(busy.connections()).as("connections to mx2 (421 greeting)").isEqualTo(1);
    List<AiosmtpdPeer.Message> got = mx3.awaitMessages(1, LIMIT);
    assertThat(got.get(0).recipients()).containsExactly("someone@multi.test");
    assertThat(got.get(0).text()).contains("Subject: mx order");
    assertThat(mx4.connectionCount()).as("connections to the least preferred MX").isZero();
  }

  @Test
  void nullMx_bouncedWith5110_noConnection() throws Exception {
    int before = mx4.connectionCount();

    String id = Submit.swaks(postern, "sender@client.test", "someone@nullmx.test");

    String line =
        postern.awaitLog(Pattern.compile("(" + id + ": to=<someone@nullmx\\.test>, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
    assertThat(line).contains("dsn=5.1.10").contains("status=bounced").contains("relay=none");
    assertThat(mx4.connectionCount()).as("connections to the null MX domain's A record").isEqualTo(before);
  }

  /** Greets every connection with 421 and closes it, counting connections. */
  private static final class BusyServer implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();

    BusyServer(String address, int port) throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
      Thread.ofPlatform().daemon().start(this::serve);
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          connections.incrementAndGet();
          OutputStream out = s.getOutputStream();
          out.write("421 4.3.2 mx2.multi.test busy, try another\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException e) {
          return;
        }
      }
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
