package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpTableIT {
  private static void script(InputStream in, OutputStream out, List<String> requests)
      throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
    String line;
    while ((line = reader.readLine()) != null) {
      requests.add(line);
      String reply =
          switch (line) {
            case "get Example.COM" -> "200 smtp:[relay]";
            case "get a%20b%25c" -> "200 with%20space%25";
            case "get %C3%BC" -> "200 %c3%bc";
            case "get error" -> "400 try again later";
            case "get weird" -> "250 what";
            default -> "500 not found";
          };
      out.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  @Test
  void find_200And500_decodedAndNotFound() throws Exception {
    try (ScriptedServer server = new ScriptedServer(TcpTableIT::script);
        LookupTable t = Tables.open("tcp:127.0.0.1:" + server.port())) {
      assertThat(t.find("Example.COM")).contains("smtp:[relay]");
      assertThat(t.find("a b%c")).contains("with space%");
      assertThat(t.find("ü")).contains("ü");
      assertThat(t.find("missing")).isEmpty();
      assertThat(server.requests)
          .containsExactly("get Example.COM", "get a%20b%25c", "get %C3%BC", "get missing");
      assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.PATTERN);
    }
  }

  @Test
  void find_400OrUnknownCode_throwsNeverNotFound() throws Exception {
    try (ScriptedServer server = new ScriptedServer(TcpTableIT::script);
        LookupTable t = Tables.open("tcp:[127.0.0.1]:" + server.port())) {
      assertThatThrownBy(() -> t.find("error"))
          .isInstanceOf(TableException.class)
          .hasMessageContaining("try again later");
      assertThatThrownBy(() -> t.find("weird")).hasMessageContaining("malformed reply");
    }
  }

  @Test
  void encode_percentWhitespaceAndControl_asPercentHex() throws Exception {
    assertThat(TcpTable.encode("a b\t%\n")).isEqualTo("a%20b%09%25%0A");
    assertThat(TcpTable.decode("A%3a%3A")).isEqualTo("A::");
    assertThatThrownBy(() -> TcpTable.decode("bad%2")).isInstanceOf(TableException.class);
  }
}
