package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;
import org.postern.table.Tables;

/**
 * smtp_bind_address against a recording server on 127.0.66.10 that notes each client's source
 * address: the connection leaves from the configured address; an address that is not local is a
 * warning, and with smtp_bind_address_enforce a deferral without any connection.
 */
class SmtpBindAddressIT {
  @TempDir Path tmp;
  private Recorder server;
  private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, String> params = new HashMap<>();

  @BeforeEach
  void start() throws IOException {
    server = new Recorder(InetAddress.getByName("127.0.66.10"));
    params.put("myhostname", "client.example");
    params.put("inet_protocols", "ipv4");
    params.put("smtp_tls_security_level", "none");
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private RecipientResult deliver() throws Exception {
    try (SmtpDelivery agent = new SmtpDelivery(
        SmtpSettings.of(MainConfig.of(tmp, params), Protocol.SMTP), Tables::open,
        new FakeResolver(), Clock.systemUTC(), new Random(1), warnings::add)) {
      return agent.deliver(TestRequests.simple(tmp.resolve("q"),
          "[127.0.66.10]:" + server.port(), "a@example.com")).getFirst();
    }
  }

  @Test
  void deliver_bindAddress_connectionLeavesFromIt() throws Exception {
    params.put("smtp_bind_address", "127.0.66.20");

    RecipientResult r = deliver();

    assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT);
    assertThat(server.sources).containsExactly("127.0.66.20");
    assertThat(warnings).isEmpty();
  }

  @Test
  void deliver_bracketedBindAddress_accepted() throws Exception {
    params.put("smtp_bind_address", "[127.0.66.21]");

    RecipientResult r = deliver();

    assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT);
    assertThat(server.sources).containsExactly("127.0.66.21");
  }

  @Test
  void deliver_nonLocalAddressEnforced_defersWithoutConnecting() throws Exception {
    params.put("smtp_bind_address", "192.0.2.99");
    params.put("smtp_bind_address_enforce", "yes");

    RecipientResult r = deliver();

    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.4.0");
    assertThat(r.relay()).isEqualTo("none");
    assertThat(r.text()).startsWith(
        "server configuration error: cannot bind to smtp_bind_address = 192.0.2.99: ");
    assertThat(warnings).singleElement().asString()
        .startsWith("smtp_connect_addr: bind 192.0.2.99: ");
    assertThat(server.sources).isEmpty();
  }

  @Test
  void deliver_nonLocalAddressNotEnforced_warnsAndDeliversAsPostfix() throws Exception {
    params.put("smtp_bind_address", "192.0.2.99");

    RecipientResult r = deliver();

    assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT);
    assertThat(warnings).singleElement().asString()
        .startsWith("smtp_connect_addr: bind 192.0.2.99: ");
    assertThat(server.sources).hasSize(1).doesNotContain("192.0.2.99");
  }

  /** Accepts SMTP sessions, records each peer's address, accepts every command. */
  private static final class Recorder implements AutoCloseable {
    final List<String> sources = Collections.synchronizedList(new ArrayList<>());
    private final ServerSocket socket;

    Recorder(InetAddress address) throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(address, 0));
      Thread.ofVirtual().start(this::serve);
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          sources.add(((InetSocketAddress) s.getRemoteSocketAddress()).getAddress()
              .getHostAddress());
          session(s);
        } catch (IOException e) {
          if (!socket.isClosed()) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    private static void session(Socket s) throws IOException {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      reply(out, "220 recorder.example ESMTP");
      boolean data = false;
      for (String line; (line = in.readLine()) != null; ) {
        if (data) {
          if (line.equals(".")) {
            data = false;
            reply(out, "250 2.0.0 Ok: queued");
          }
        } else if (line.startsWith("DATA")) {
          data = true;
          reply(out, "354 go ahead");
        } else if (line.startsWith("QUIT")) {
          reply(out, "221 2.0.0 Bye");
          return;
        } else {
          reply(out, "250 2.0.0 Ok");
        }
      }
    }

    private static void reply(OutputStream out, String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
