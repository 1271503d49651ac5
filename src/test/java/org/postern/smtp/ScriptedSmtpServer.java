package org.postern.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback SMTP/LMTP server for client tests: a greeting, EHLO/LHLO keywords, replies chosen
 * by command prefix (first match wins; each reply may be used once or always), DATA and BDAT
 * content captured, and the transcript of every line the client sent. Like a real server it
 * answers RCPT without an accepted MAIL, and DATA without an accepted RCPT, with 503 (a scripted
 * reply still wins). STARTTLS is answered with 220 unless scripted otherwise; without {@link #tls} the server then reads the
 * client's first TLS record and answers with a fatal handshake_failure alert, as a server whose
 * TLS setup is broken does: the handshake always fails, and nothing arrives ahead of the client's
 * hello. With {@link #tls} set (TCP only) the handshake is made with that context and the session
 * goes on over TLS.
 */
final class ScriptedSmtpServer implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Thread thread;
  final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
  private final List<String> contents = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<String>> replies = new LinkedHashMap<>();
  volatile String greeting = "220 scripted.example ESMTP";
  volatile List<String> keywords = List.of("PIPELINING", "SIZE 10240000", "8BITMIME", "DSN");
  volatile boolean lmtp;
  volatile int sessions;
  /** The server's TLS context for STARTTLS; null for a broken TLS setup. */
  volatile SSLContext tls;

  private ScriptedSmtpServer(ServerSocketChannel server) {
    this.server = server;
    this.thread = Thread.ofVirtual().start(this::serve);
  }

  static ScriptedSmtpServer tcp() throws IOException {
    return tcp("127.0.0.1", 0);
  }

  static ScriptedSmtpServer tcp(String address, int port) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
    s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    return new ScriptedSmtpServer(s);
  }

  static ScriptedSmtpServer unix(Path path) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(path));
    return new ScriptedSmtpServer(s);
  }

  int port() throws IOException {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /** Replies {@code reply} (lines joined by \n for multi-line) to commands starting with prefix. */
  ScriptedSmtpServer on(String prefix, String... replyPerUse) {
    replies.computeIfAbsent(prefix.toUpperCase(), k -> new ArrayList<>()).addAll(List.of(replyPerUse));
    return this;
  }

  /** Every command the client sent, in order, without content. */
  List<String> contents() {
    return List.copyOf(contents);
  }

  List<String> commands() {
    return List.copyOf(transcript);
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel ch = server.accept()) {
        sessions++;
        session(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
      } catch (IOException e) {
        if (!server.isOpen()) {
          return;
        }
      }
    }
  }

  private void session(SocketChannel ch, InputStream in, OutputStream out) throws IOException {
    send(out, greeting);
    List<String> accepted = new ArrayList<>();
    boolean mail = false;
    while (true) {
      String line = readLine(in);
      if (line == null) {
        return;
      }
      transcript.add(line);
      String upper = line.toUpperCase();
      String scripted = scripted(upper);
      if (upper.startsWith("EHLO") || upper.startsWith("LHLO")) {
        send(out, scripted != null ? scripted : ehlo());
      } else if (upper.startsWith("MAIL")) {
        String r = scripted != null ? scripted : "250 2.1.0 Ok";
        mail = r.startsWith("2");
        send(out, r);
      } else if (upper.startsWith("RCPT")) {
        String r = scripted != null ? scripted
            : mail ? "250 2.1.5 Ok" : "503 5.5.1 Error: need MAIL command";
        if (r.startsWith("2")) {
          accepted.add(line);
        }
        send(out, r);
      } else if (upper.startsWith("DATA")) {
        String r = scripted != null ? scripted
            : accepted.isEmpty() ? "503 5.5.1 Error: need RCPT command"
            : "354 End data with <CR><LF>.<CR><LF>";
        send(out, r);
        if (r.startsWith("354")) {
          contents.add(readData(in));
          finish(out, accepted);
          mail = false;
        }
      } else if (upper.startsWith("BDAT")) {
        int n = Integer.parseInt(line.split(" ")[1]);
        contents.add(new String(in.readNBytes(n), StandardCharsets.UTF_8));
        finish(out, accepted);
        mail = false;
      } else if (upper.startsWith("STARTTLS") && scripted != null) {
        send(out, scripted);
      } else if (upper.startsWith("STARTTLS")) {
        send(out, "220 2.0.0 Ready to start TLS");
        SSLContext context = tls;
        if (context == null) {
          failHandshake(in, out);
          return;
        }
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(ch.socket(), null, true);
        s.setUseClientMode(false);
        s.startHandshake();
        in = s.getInputStream();
        out = s.getOutputStream();
        accepted.clear();
        mail = false;
      } else if (upper.startsWith("QUIT")) {
        send(out, "221 2.0.0 Bye");
        return;
      } else if (upper.startsWith("RSET")) {
        accepted.clear();
        mail = false;
        send(out, scripted != null ? scripted : "250 2.0.0 Ok");
      } else {
        send(out, scripted != null ? scripted : "250 2.0.0 Ok");
      }
    }
  }

  /**
   * Reads the client's first TLS record (its ClientHello), answers with a fatal handshake_failure
   * alert, and waits until the client closes, so the alert is never lost to a reset.
   */
  private static void failHandshake(InputStream in, OutputStream out) throws IOException {
    byte[] header = in.readNBytes(5);
    if (header.length == 5) {
      in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
    }
    out.write(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28});
    out.flush();
    in.transferTo(OutputStream.nullOutputStream());
  }

  private void finish(OutputStream out, List<String> accepted) throws IOException {
    if (lmtp) {
      for (int i = 0; i < accepted.size(); i++) {
        String s = scripted("END#" + (i + 1));
        send(out, s != null ? s : "250 2.0.0 Ok: delivered " + (i + 1));
      }
    } else {
      String s = scripted("END");
      send(out, s != null ? s : "250 2.0.0 Ok: queued as 4ABCDEF");
    }
    accepted.clear();
  }

  private String scripted(String upper) {
    for (Map.Entry<String, List<String>> e : replies.entrySet()) {
      if (upper.startsWith(e.getKey()) && !e.getValue().isEmpty()) {
        return e.getValue().size() == 1 ? e.getValue().getFirst() : e.getValue().removeFirst();
      }
    }
    return null;
  }

  private String ehlo() {
    StringBuilder b = new StringBuilder("250 scripted.example");
    for (String k : keywords) {
      b.append('\n').append("250 ").append(k);
    }
    return b.toString();
  }

  private static void send(OutputStream out, String reply) throws IOException {
    String[] lines = reply.split("\n");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      String text = l.length() > 4 ? l.substring(4) : "";
      b.append(l, 0, 3).append(i < lines.length - 1 ? '-' : ' ').append(text).append("\r\n");
    }
    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
    }
    if (c < 0 && b.size() == 0) {
      return null;
    }
    String s = b.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private static String readData(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    String line;
    while ((line = readLine(in)) != null && !line.equals(".")) {
      b.append(line).append("\r\n");
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    thread.interrupt();
  }
}
