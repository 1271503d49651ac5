package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketmapTableIT {
  @TempDir Path dir;

  /** Answers by key: known, temp, perm, timeout, silent (no reply), close (reply, hang up). */
  private static void script(InputStream in, OutputStream out, List<String> requests)
      throws IOException {
    String request;
    while ((request = readNetstring(in)) != null) {
      requests.add(request);
      String key = request.substring(request.indexOf(' ') + 1);
      String reply =
          switch (key) {
            case "Known.Example" -> "OK smtp:[relay.example]:587";
            case "temp" -> "TEMP database busy";
            case "perm" -> "PERM no such map";
            case "timeout" -> "TIMEOUT backend slow";
            case "garbage" -> "MAYBE";
            case "silent" -> null;
            case "close" -> "OK closing";
            default -> "NOTFOUND ";
          };
      if (reply == null) {
        continue;
      }
      byte[] data = reply.getBytes(StandardCharsets.UTF_8);
      out.write((data.length + ":").getBytes(StandardCharsets.US_ASCII));
      out.write(data);
      out.write(',');
      out.flush();
      if (key.equals("close")) {
        return;
      }
    }
  }

  private static String readNetstring(InputStream in) throws IOException {
    int length = 0;
    int c;
    while ((c = in.read()) != ':') {
      if (c < 0) {
        return null;
      }
      length = length * 10 + (c - '0');
    }
    byte[] data = in.readNBytes(length);
    if (in.read() != ',') {
      throw new IOException("missing ','");
    }
    return new String(data, StandardCharsets.UTF_8);
  }

  @Test
  void find_okAndNotFound_sendsNameAndKeyUnfolded() throws Exception {
    try (ScriptedServer server = new ScriptedServer(SocketmapTableIT::script);
        LookupTable t =
            Tables.open("socketmap:inet:127.0.0.1:" + server.port() + ":mta-sts")) {
      assertThat(t.find("Known.Example")).contains("smtp:[relay.example]:587");
      assertThat(t.find("other.example")).isEmpty();
      assertThat(server.requests).containsExactly("mta-sts Known.Example", "mta-sts other.example");
      assertThat(server.connections).hasSize(1);
      assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.PATTERN);
    }
  }

  @Test
  void find_tempPermTimeoutOrMalformed_throwNeverNotFound() throws Exception {
    try (ScriptedServer server = new ScriptedServer(SocketmapTableIT::script);
        LookupTable t = Tables.open("socketmap:inet:127.0.0.1:" + server.port() + ":m")) {
      assertThatThrownBy(() -> t.find("temp"))
          .isInstanceOf(TableException.class)
          .hasMessageContaining("TEMP: database busy");
      assertThatThrownBy(() -> t.find("perm")).hasMessageContaining("PERM: no such map");
      assertThatThrownBy(() -> t.find("timeout")).hasMessageContaining("TIMEOUT: backend slow");
      assertThatThrownBy(() -> t.find("garbage")).hasMessageContaining("malformed reply");
    }
  }

  @Test
  void find_serverSilent_timesOutWithTableException() throws Exception {
    try (ScriptedServer server = new ScriptedServer(SocketmapTableIT::script);
        LookupTable t =
            new SocketmapTable(
                "socketmap:inet:127.0.0.1:" + server.port() + ":m",
                "inet:127.0.0.1:" + server.port() + ":m",
                Duration.ofMillis(300))) {
      assertThatThrownBy(() -> t.find("silent"))
          .isInstanceOf(TableException.class)
          .hasMessageContaining("timeout");
      assertThat(t.find("Known.Example")).contains("smtp:[relay.example]:587");
    }
  }

  @Test
  void find_serverClosedIdleConnection_retriesOnFreshConnection() throws Exception {
    try (ScriptedServer server = new ScriptedServer(SocketmapTableIT::script);
        LookupTable t = Tables.open("socketmap:inet:127.0.0.1:" + server.port() + ":m")) {
      assertThat(t.find("close")).contains("closing");
      assertThat(t.find("Known.Example")).contains("smtp:[relay.example]:587");
      assertThat(server.connections).hasSize(2);
    }
  }

  @Test
  void find_nothingListening_throws() throws Exception {
    // A bound socket that does not listen holds the port, so nobody else can take it.
    try (Socket holder = new Socket()) {
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (LookupTable t =
          Tables.open("socketmap:inet:127.0.0.1:" + holder.getLocalPort() + ":m")) {
        assertThatThrownBy(() -> t.find("x"))
            .isInstanceOf(TableException.class)
            .hasMessageContaining("Connection refused");
      }
    }
  }

  @Test
  void find_unixDomainSocket_works() throws Exception {
    Path socket = dir.resolve("map.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try (SocketChannel c = server.accept()) {
                  script(Channels.newInputStream(c), Channels.newOutputStream(c), requests);
                } catch (IOException e) {
                  requests.add("server error: " + e.getMessage());
                }
              });
      try (LookupTable t = Tables.open("socketmap:unix:" + socket + ":virtual")) {
        assertThat(t.find("Known.Example")).contains("smtp:[relay.example]:587");
        assertThat(t.find("nope")).isEmpty();
      }
      assertThat(requests).containsExactly("virtual Known.Example", "virtual nope");
    }
  }

  @Test
  void open_badName_throws() {
    assertThatThrownBy(() -> Tables.open("socketmap:inet:127.0.0.1:99"))
        .isInstanceOf(TableException.class);
    assertThatThrownBy(() -> Tables.open("socketmap:http:x:1:m"))
        .hasMessageContaining("bad endpoint");
  }

  @Test
  void netstring_encode_isLengthColonDataComma() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Netstring.encode("m ä"));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("4:m ä,");
  }
}
