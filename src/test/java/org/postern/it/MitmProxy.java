package org.postern.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A man in the middle between an SMTP client and a real server, on a loopback address, that
 * keeps every byte the client sent it in cleartext. It attacks in one of two ways:
 *
 * <ul>
 *   <li>{@link Mode#STRIP_STARTTLS}: removes STARTTLS from the server's EHLO reply (a downgrade to
 *       plaintext) and forwards everything else verbatim.
 *   <li>{@link Mode#STRIP_REQUIRETLS}: answers the client's STARTTLS itself and completes the TLS
 *       handshake with its own certificate, makes its own STARTTLS to the server, and removes
 *       REQUIRETLS from the server's EHLO reply after TLS; what the client sent inside the
 *       proxy's TLS is kept separately, as decrypted.
 * </ul>
 */
final class MitmProxy implements AutoCloseable {
  enum Mode {
    STRIP_STARTTLS,
    STRIP_REQUIRETLS
  }

  private static final int TIMEOUT_MILLIS = 60_000;

  private final ServerSocket listener;
  private final InetSocketAddress server;
  private final Mode mode;
  private final SSLContext ownTls;
  private final ByteArrayOutputStream cleartext = new ByteArrayOutputStream();
  private final ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
  private final AtomicInteger connections = new AtomicInteger();

  private MitmProxy(String host, int port, InetSocketAddress server, Mode mode, SSLContext ownTls)
      throws IOException {
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    this.server = server;
    this.mode = mode;
    this.ownTls = ownTls;
    Thread.ofPlatform().daemon().start(this::accept);
  }

  /** Listens on {@code host}:{@code port}; strips STARTTLS from {@code server}'s EHLO reply. */
  static MitmProxy stripStarttls(String host, int port, InetSocketAddress server)
      throws IOException {
    return new MitmProxy(host, port, server, Mode.STRIP_STARTTLS, null);
  }

  /**
   * Listens on {@code host}:{@code port}; terminates the client's TLS with {@code cert} and
   * {@code key} (PEM; the key PKCS#8) and strips REQUIRETLS from {@code server}'s EHLO reply.
   */
  static MitmProxy stripRequireTls(
      String host, int port, InetSocketAddress server, Path cert, Path key)
      throws IOException, GeneralSecurityException {
    return new MitmProxy(host, port, server, Mode.STRIP_REQUIRETLS, serverContext(cert, key));
  }

  /** Everything clients sent in plaintext, octet for octet (ISO-8859-1). */
  String cleartext() {
    synchronized (cleartext) {
      return cleartext.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Everything clients sent inside the TLS sessions this proxy terminated. */
  String decrypted() {
    synchronized (decrypted) {
      return decrypted.toString(StandardCharsets.ISO_8859_1);
    }
  }

  int connections() {
    return connections.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.incrementAndGet();
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client;
        Socket upstream = new Socket()) {
      client.setSoTimeout(TIMEOUT_MILLIS);
      upstream.connect(server, TIMEOUT_MILLIS);
      upstream.setSoTimeout(TIMEOUT_MILLIS);
      InputStream fromServer = upstream.getInputStream();
      OutputStream toClient = client.getOutputStream();
      relayReply(fromServer, toClient, null);
      if (mode == Mode.STRIP_STARTTLS) {
        relay(client, upstream, cleartext, "STARTTLS");
      } else {
        interceptStarttls(client, upstream);
      }
    } catch (IOException | GeneralSecurityException e) {
      // The client or server went away, or a handshake failed: this connection is over.
    }
  }

  /**
   * Relays EHLO/HELO in plaintext until the client asks for STARTTLS, then answers it and makes
   * two TLS sessions: the client's with this proxy's certificate, and the proxy's own with the
   * server. A client that goes on in plaintext is simply relayed.
   */
  private void interceptStarttls(Socket client, Socket upstream)
      throws IOException, GeneralSecurityException {
    InputStream fromClient = client.getInputStream();
    OutputStream toClient = client.getOutputStream();
    InputStream fromServer = upstream.getInputStream();
    OutputStream toServer = upstream.getOutputStream();
    while (true) {
      byte[] line = readLine(fromClient);
      if (line == null) {
        return;
      }
      record(cleartext, line, line.length);
      String verb = verb(line);
      if (verb.equals("STARTTLS")) {
        break;
      }
      toServer.write(line);
      toServer.flush();
      if (!verb.equals("EHLO") && !verb.equals("HELO")) {
        relay(client, upstream, cleartext, null);
        return;
      }
      relayReply(fromServer, toClient, null);
    }
    toClient.write("220 2.0.0 Ready to start TLS\r\n".getBytes(StandardCharsets.US_ASCII));
    toClient.flush();
    SSLSocket clientTls =
        (SSLSocket) ownTls.getSocketFactory().createSocket(client, null, true);
    clientTls.setUseClientMode(false);
    clientTls.startHandshake();
    toServer.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
    toServer.flush();
    if (!new String(readLine(fromServer), StandardCharsets.US_ASCII).startsWith("220")) {
      throw new IOException("server refused STARTTLS");
    }
    SSLSocket serverTls =
        (SSLSocket)
            trustingClientContext()
                .getSocketFactory()
                .createSocket(upstream, server.getHostString(), server.getPort(), true);
    serverTls.setUseClientMode(true);
    serverTls.startHandshake();
    relay(clientTls, serverTls, decrypted, "REQUIRETLS");
  }

  /**
   * Client to server: octets as they come, recorded in {@code log}; server to client: replies,
   * with the {@code dropKeyword} line (if any) removed from multi-line replies.
   */
  private void relay(Socket client, Socket upstream, ByteArrayOutputStream log, String dropKeyword)
      throws IOException {
    Thread back =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (relayReply(upstream.getInputStream(), client.getOutputStream(), dropKeyword)) {
                      // One reply at a time, until the server closes.
                    }
                  } catch (IOException e) {
                    // The server or the client closed.
                  } finally {
                    closeQuietly(client);
                  }
                });
    InputStream in = client.getInputStream();
    OutputStream out = upstream.getOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        record(log, buffer, n);
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // The client went away; the server side closes below.
    } finally {
      closeQuietly(upstream);
    }
    try {
      back.join(TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Copies one (possibly multi-line) reply; drops the line whose first word is {@code
   * dropKeyword} and mends the continuation marks. False at end of stream.
   */
  private static boolean relayReply(InputStream in, OutputStream out, String dropKeyword)
      throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      byte[] raw = readLine(in);
      if (raw == null) {
        return false;
      }
      String line = new String(raw, StandardCharsets.ISO_8859_1).stripTrailing();
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        break;
      }
    }
    if (dropKeyword != null && lines.size() > 1) {
      lines.removeIf(
          l -> l.length() > 4 && l.substring(4).split("[ =]", 2)[0].equalsIgnoreCase(dropKeyword));
    }
    StringBuilder reply = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      String rest = l.length() > 4 ? l.substring(4) : "";
      reply.append(l, 0, Math.min(3, l.length()))
          .append(i == lines.size() - 1 ? ' ' : '-')
          .append(rest)
          .append("\r\n");
    }
    out.write(reply.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return true;
  }

  /** One line with its CRLF, read octet by octet so that nothing of a TLS hello is consumed. */
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

  private static String verb(byte[] line) {
    String text = new String(line, StandardCharsets.ISO_8859_1).strip();
    int space = text.indexOf(' ');
    return (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
  }

  private static void record(ByteArrayOutputStream log, byte[] data, int length) {
    synchronized (log) {
      log.write(data, 0, length);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing is all that was left to do.
    }
  }

  private static SSLContext serverContext(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IOException(keyFile + ": not a PKCS#8 PEM private key");
    }
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").strip());
    PrivateKey key =
        KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
            .generatePrivate(new PKCS8EncodedKeySpec(der));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "mitm".toCharArray();
    store.setKeyEntry("mitm", key, password, new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  /** The attacker's side towards the real server checks nothing. */
  private static SSLContext trustingClientContext() throws GeneralSecurityException {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustAll}, null);
    return context;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
