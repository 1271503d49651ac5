package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP client reading what a hostile or broken server sends: multi-line replies, bare LF,
 * over-long and endless lines, non-numeric codes, and EHLO keyword lines with garbage. The server
 * is a raw socket on 127.0.68.1 that writes exactly the bytes a test gives it.
 */
class HostileServerRepliesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private RawServer server;
  private SmtpConnection connection;

  @AfterEach
  void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private ServerReply read(String bytes) throws Exception {
    server = RawServer.writing(out -> out.write(bytes.getBytes(StandardCharsets.UTF_8)));
    connection = SmtpConnection.connect(server.address(), TIMEOUT);
    return connection.read(TIMEOUT);
  }

  @Test
  void read_multilineReply_keepsEveryLineInOrder() throws Exception {
    ServerReply r = read("250-mx.example\r\n250-PIPELINING\r\n250 SIZE 100\r\n");

    assertThat(r.code()).isEqualTo(250);
    assertThat(r.lines()).containsExactly("mx.example", "PIPELINING", "SIZE 100");
  }

  @Test
  void read_multilineWithMixedCodes_theFinalLineDecides() throws Exception {
    ServerReply r = read("250-looks fine\r\n550 5.7.1 but is not\r\n");

    assertThat(r.code()).isEqualTo(550);
    assertThat(r.permanentFailure()).isTrue();
  }

  @Test
  void read_bareLfLineEnds_accepted() throws Exception {
    assertThat(read("220 mx.example ESMTP\n").code()).isEqualTo(220);
  }

  @Test
  void read_nonNumericCode_isMalformed() {
    assertThatThrownBy(() -> read("2x0 hello\r\n")).isInstanceOf(IOException.class).hasMessageContaining("malformed");
  }

  @Test
  void read_shortLine_isMalformed() {
    assertThatThrownBy(() -> read("25\r\n")).isInstanceOf(IOException.class);
  }

  @Test
  void read_overLongLine_keptToABoundedLength() throws Exception {
    ServerReply r = read("250 " + "x".repeat(100_000) + "\r\n");

    assertThat(r.code()).isEqualTo(250);
    assertThat(r.lines().getFirst().length()).isLessThanOrEqualTo(4096);
  }

  @Test
  void read_endlessContinuationLines_failsAfterABoundedNumberOfLines() throws Exception {
    server = RawServer.writing(out -> {
      byte[] line = "250-again\r\n".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 1_000_000; i++) {
        out.write(line);
      }
    });
    connection = SmtpConnection.connect(server.address(), TIMEOUT);

    assertThatThrownBy(() -> connection.read(TIMEOUT)).isInstanceOf(IOException.class)
        .hasMessageContaining("too many lines");
  }

  @Test
  void read_connectionClosedMidReply_isLostConnection() throws Exception {
    server = RawServer.hangingUpAfter(out -> out.write("250-first\r\n250-sec".getBytes(StandardCharsets.US_ASCII)));
    connection = SmtpConnection.connect(server.address(), TIMEOUT);

    assertThatThrownBy(() -> connection.read(TIMEOUT)).isInstanceOf(IOException.class)
        .hasMessageContaining("lost connection");
  }

  @Test
  void keywords_garbageAndDuplicates_neverThrowAndSizeIsANumberOrNothing() {
    ServerReply ehlo = new ServerReply(250, List.of(
        "mx.example", "", "   ", "SIZE", "SIZE garbage", "size -5", "SIZE 99999999999999999999999",
        "PIPELINING", "pipelining", "AUTH=LOGIN PLAIN", "8BITMIME extra words", "\u0000\u00ff"));

    Map<String, String> keywords = SessionOpener.keywords(ehlo);

    assertThat(keywords).containsKeys("SIZE", "PIPELINING", "AUTH", "8BITMIME");
    assertThat(session(keywords).sizeLimit()).isEmpty();
  }

  @Test
  void sizeLimit_duplicateSize_theLastAnnouncementCounts() {
    Map<String, String> keywords =
        SessionOpener.keywords(new ServerReply(250, List.of("mx.example", "SIZE 1000", "SIZE 2000")));

    assertThat(session(keywords).sizeLimit()).contains(2000L);
  }

  private static SmtpSession session(Map<String, String> keywords) {
    return new SmtpSession(null, null, keywords, null, false, false, false, null, 0,
        CertificateCheck.NOT_CONNECTED);
  }

  /** Accepts one connection and writes what the test gives it; then waits for the client to go. */
  static final class RawServer implements AutoCloseable {
    interface Script {
      void write(OutputStream out) throws IOException;
    }

    private final ServerSocket socket;
    private final Thread thread;

    private RawServer(ServerSocket socket, Script script, boolean hangUp) {
      this.socket = socket;
      this.thread = Thread.ofVirtual().start(() -> {
        try (Socket client = socket.accept()) {
          OutputStream out = client.getOutputStream();
          script.write(out);
          out.flush();
          if (!hangUp) {
            client.getInputStream().read();
          }
        } catch (IOException e) {
          // The client hung up first: what the test checks is on the client's side.
        }
      });
    }

    static RawServer writing(Script script) throws IOException {
      return new RawServer(bound(), script, false);
    }

    static RawServer hangingUpAfter(Script script) throws IOException {
      return new RawServer(bound(), script, true);
    }

    private static ServerSocket bound() throws IOException {
      ServerSocket s = new ServerSocket();
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.68.1"), 0));
      return s;
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(5_000);
    }
  }
}
