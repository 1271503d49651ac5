package org.postern.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare SMTP client on a plain socket, for the dialogues no packaged client will produce: BDAT
 * by hand, a malformed command, a connection dropped in the middle of DATA, a chosen source
 * address. Every read has a timeout so that a silent server fails the test instead of hanging it.
 */
final class SmtpClient implements AutoCloseable {
  /** One SMTP reply: its code and every line as received (without CRLF). */
  record Reply(int code, String text) {
    boolean positive() {
      return code >= 200 && code < 400;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private String greeting;

  private SmtpClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects from the default address to 127.0.0.1:{@code port} and reads the greeting. */
  static SmtpClient connect(int port) throws IOException {
    return connectFrom(null, port);
  }

  /** Connects from {@code source} (null for any) to 127.0.0.1:{@code port}, reads the greeting. */
  static SmtpClient connectFrom(String source, int port) throws IOException {
    return connectFrom(source, InetAddress.getLoopbackAddress(), port);
  }

  /** Connects from {@code source} (null for any) to {@code server}:{@code port}. */
  static SmtpClient connectFrom(String source, InetAddress server, int port) throws IOException {
    Socket s = new Socket();
    try {
      if (source != null) {
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      }
      s.connect(new InetSocketAddress(server, port), 5_000);
      SmtpClient c = new SmtpClient(s);
      c.greeting = c.reply().text();
      return c;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  String greeting() {
    return greeting;
  }

  /** Sends one command line and reads its reply. */
  Reply command(String line) throws IOException {
    send(line + "\r\n");
    return reply();
  }

  /** Writes text as is (US-ASCII), without reading anything. */
  void send(String text) throws IOException {
    write(text.getBytes(StandardCharsets.US_ASCII));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads one reply, all lines of a multi-line one. */
  Reply reply() throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      String line = line();
      if (line.length() < 3) {
        throw new IOException("malformed reply line: \"" + line + "\"");
      }
      text.append(line).append('\n');
      if (line.length() == 3 || line.charAt(3) != '-') {
        return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString().strip());
      }
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      buf.write(b);
    }
    throw new IOException("connection closed by server after \"" + buf.toString(StandardCharsets.UTF_8) + "\"");
  }

  /** Drops the connection without QUIT, as a crashing client would. */
  void abort() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
