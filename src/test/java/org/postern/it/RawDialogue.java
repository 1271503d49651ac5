package org.postern.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * SMTP by hand for the tests that must choose when to read: nothing is read on connect (a
 * postscreen test may talk before the greeting), and a reply that ends in a closed connection is
 * returned with {@code <EOF>} instead of failing, so that the test can assert on it.
 */
public final class RawDialogue {
  private RawDialogue() {}

  /** A socket from {@code source} to {@code server}:25; nothing read or written yet. */
  public static Socket connect(String source, String server) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    s.connect(new InetSocketAddress(InetAddress.getByName(server), 25), 5_000);
    s.setSoTimeout(30_000);
    return s;
  }

  /** One reply, every line of it, CRLF-joined; {@code <EOF>} where the server closed. */
  public static String reply(InputStream in) throws IOException {
    return reply(in, "\r\n");
  }

  /** One reply, each line ended by {@code eol}; {@code <EOF>} where the server closed. */
  public static String reply(InputStream in, String eol) throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          return text + "<EOF>";
        }
        line.write(b);
      }
      String l = line.toString(StandardCharsets.UTF_8).replaceAll("\r$", "");
      text.append(l).append(eol);
      if (l.length() < 4 || l.charAt(3) != '-') {
        return text.toString();
      }
    }
  }

  /** Sends {@code command} and reads its reply. */
  public static String say(Socket s, String command) throws IOException {
    s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    return reply(s.getInputStream());
  }
}
