package org.postern.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A before-queue content filter for smuggling tests: one SMTP session on a loopback port that
 * keeps the DATA stream as the exact bytes received (up to {@code CRLF.CRLF}) and every command
 * line, so a test sees a bare CR, a bare LF, an unstuffed dot or a command that came after the
 * message inside what smtpd meant as content. Sessions are served one after another; {@link
 * #data} is the last message's. Also usable by a Postfix 3.12 smtpd ({@code smtpd_proxy_filter}),
 * for the same input side by side.
 */
public final class RawProxyFilter implements AutoCloseable {
  public final List<String> commands = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private final Semaphore quits = new Semaphore(0);
  private final ServerSocket listener;

  /** Listens on {@code address}:{@code port} (0: any free port). */
  public RawProxyFilter(InetAddress address, int port) throws IOException {
    listener = new ServerSocket(port, 5, address);
    Thread.ofVirtual().start(this::serve);
  }

  RawProxyFilter() throws IOException {
    this(InetAddress.getLoopbackAddress(), 0);
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void serve() {
    while (!listener.isClosed()) {
      try (Socket s = listener.accept()) {
        session(s);
      } catch (IOException e) {
        if (!listener.isClosed()) {
          commands.add("IOException: " + e.getMessage());
        }
      }
    }
  }

  private void session(Socket s) throws IOException {
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    say(out, "220 filter.test ESMTP");
    for (byte[] line; (line = readLine(in)) != null; ) {
      String command = new String(line, StandardCharsets.ISO_8859_1).stripTrailing();
      commands.add(command);
      switch (command.split(" ")[0].toUpperCase()) {
        case "EHLO" -> say(out, "250-filter.test\r\n250-PIPELINING\r\n250 8BITMIME");
        case "MAIL" -> say(out, "250 2.1.0 Ok");
        case "RCPT" -> say(out, "250 2.1.5 Ok");
        case "DATA" -> {
          say(out, "354 End data with <CR><LF>.<CR><LF>");
          readData(in);
          say(out, "250 2.0.0 Ok: queued as F00D");
        }
        case "QUIT" -> {
          say(out, "221 2.0.0 Bye");
          quits.release();
          return;
        }
        default -> say(out, "250 2.0.0 Ok");
      }
    }
  }

  /** Up to and including LF; null at end of stream. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) >= 0; ) {
      line.write(b);
      if (b == '\n') {
        return line.toByteArray();
      }
    }
    return line.size() == 0 ? null : line.toByteArray();
  }

  /** The DATA stream up to the first {@code CRLF.CRLF} (or {@code .CRLF} first), kept raw. */
  private void readData(InputStream in) throws IOException {
    byte[] end = ".\r\n".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    synchronized (data) {
      data.reset();
    }
    for (int b; (b = in.read()) >= 0; ) {
      got.write(b);
      byte[] sofar = got.toByteArray();
      int n = sofar.length;
      boolean atEnd = n >= 3 && Arrays.equals(sofar, n - 3, n, end, 0, 3)
          && (n == 3 || n >= 5 && sofar[n - 5] == '\r' && sofar[n - 4] == '\n');
      if (atEnd) {
        synchronized (data) {
          data.write(sofar, 0, n - 3);
        }
        return;
      }
    }
  }

  /** The last DATA stream as received, without the final {@code .CRLF}. */
  public String data() {
    synchronized (data) {
      return data.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static void say(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Waits for a session to end (smtpd says QUIT after the message). */
  public void awaitQuit() throws InterruptedException {
    quits.tryAcquire(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
