package org.postern.smtpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Dovecot's auth service on a UNIX socket, speaking the protocol from a script:
 * PLAIN, LOGIN and ANONYMOUS, one user {@code alice} with password {@code secret}; every request
 * line it receives is recorded.
 */
final class ScriptedDovecotAuth implements AutoCloseable {
  private final Path socket;
  private final ServerSocketChannel server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();

  ScriptedDovecotAuth(Path socket) throws IOException {
    this.socket = socket;
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread.ofVirtual().start(this::accept);
  }

  Path socket() {
    return socket;
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        connections.add(c);
        Thread.ofVirtual().start(() -> serve(c));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c;
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8))) {
      OutputStream out = Channels.newOutputStream(c);
      say(out, "VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nMECH\tANONYMOUS\tanonymous\n"
          + "MECH\tCRAM-MD5\tdictionary\tactive\nSPID\t1\nCUID\t1\nCOOKIE\t00\nDONE\n");
      String mechanism = "";
      String login = null;
      String line;
      while ((line = in.readLine()) != null) {
        requests.add(line);
        String[] f = line.split("\t", -1);
        String id = f.length > 1 ? f[1] : "0";
        if (f[0].equals("AUTH")) {
          mechanism = f[2];
          login = null;
          String resp = null;
          for (String p : f) {
            if (p.startsWith("resp=")) {
              resp = p.substring(5);
            }
          }
          switch (mechanism) {
            case "PLAIN" -> say(out, resp == null || resp.isEmpty() ? "CONT\t" + id + "\t\n" : plain(id, resp));
            case "LOGIN" -> say(out, "CONT\t" + id + "\tVXNlcm5hbWU6\n");
            case "ANONYMOUS" -> say(out, "OK\t" + id + "\tuser=anonymous\n");
            default -> say(out, "FAIL\t" + id + "\n");
          }
        } else if (f[0].equals("CONT") && mechanism.equals("PLAIN")) {
          say(out, plain(id, f[2]));
        } else if (f[0].equals("CONT") && login == null) {
          login = decode(f[2]);
          say(out, "CONT\t" + id + "\tUGFzc3dvcmQ6\n");
        } else if (f[0].equals("CONT")) {
          boolean ok = login.equals("alice") && decode(f[2]).equals("secret");
          say(out, ok ? "OK\t" + id + "\tuser=alice\n" : "FAIL\t" + id + "\tuser=" + login + "\n");
        }
      }
    } catch (IOException e) {
      // The client went away.
    }
  }

  private static String plain(String id, String resp) {
    String[] parts = decode(resp).split("\0", -1);
    boolean ok = parts.length == 3 && parts[1].equals("alice") && parts[2].equals("secret");
    return ok ? "OK\t" + id + "\tuser=alice\n" : "FAIL\t" + id + "\tuser=" + (parts.length == 3 ? parts[1] : "") + "\n";
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private static void say(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  static String plainResponse(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel c : connections) {
      c.close();
    }
    Files.deleteIfExists(socket);
  }
}
