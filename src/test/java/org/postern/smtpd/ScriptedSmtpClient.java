package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A scripted SMTP client for golden dialogue tests. A script is a list of lines: {@code C: text}
 * is sent (consecutive C lines go out together, as a pipelining client sends them), {@code S:
 * text} is the next reply line expected exactly ({@code S~ regex} as a pattern), {@code TLS}
 * starts a TLS handshake, {@code RAW: text} sends text without adding CRLF (escapes \r \n),
 * {@code CLOSED} expects the server to have hung up.
 */
final class ScriptedSmtpClient implements AutoCloseable {
  private Socket socket;
  private BufferedReader in;
  private OutputStream out;
  private final List<String> transcript = new ArrayList<>();

  ScriptedSmtpClient(InetSocketAddress server, String bindAddress) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
    socket.connect(server, 5000);
    socket.setSoTimeout(10000);
    streams();
  }

  private void streams() throws IOException {
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  void run(String script) throws Exception {
    StringBuilder batch = new StringBuilder();
    for (String line : script.strip().split("\n")) {
      line = line.strip();
      if (line.equals("C:")) {
        batch.append("\r\n");
        continue;
      }
      if (line.startsWith("C: ")) {
        batch.append(line.substring(3)).append("\r\n");
        continue;
      }
      if (line.startsWith("RAW: ")) {
        batch.append(line.substring(5).replace("\\r", "\r").replace("\\n", "\n"));
        continue;
      }
      send(batch);
      if (line.startsWith("S: ")) {
        assertThat(readLine()).as("transcript so far: %s", transcript).isEqualTo(line.substring(3));
      } else if (line.startsWith("S~ ")) {
        assertThat(readLine()).as("transcript so far: %s", transcript).matches(line.substring(3));
      } else if (line.equals("TLS")) {
        startTls();
      } else if (line.equals("CLOSED")) {
        assertThat(readLineOrNull()).as("transcript so far: %s", transcript).isNull();
      } else if (!line.isEmpty()) {
        throw new IllegalArgumentException("bad script line: " + line);
      }
    }
    send(batch);
  }

  private void send(StringBuilder batch) throws IOException {
    if (batch.length() > 0) {
      out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      transcript.add("C: " + batch);
      batch.setLength(0);
    }
  }

  private String readLine() throws IOException {
    String line = readLineOrNull();
    if (line == null) {
      throw new IOException("server closed the connection; transcript: " + transcript);
    }
    return line;
  }

  private String readLineOrNull() throws IOException {
    try {
      String line = in.readLine();
      transcript.add("S: " + line);
      return line;
    } catch (java.net.SocketException e) {
      return null;
    }
  }

  private void startTls() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustAll()}, null);
    SSLSocket tls =
        (SSLSocket) context.getSocketFactory().createSocket(socket, "mx.test", socket.getPort(), true);
    tls.startHandshake();
    socket = tls;
    streams();
  }

  List<String> transcript() {
    return transcript;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
