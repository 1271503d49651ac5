package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.it.PosternInstance;
import org.postern.it.TestPki;
import org.postern.smtpd.RawProxyFilter;

/**
 * The {@code smtpd_proxy_filter} smuggling edge cases of Postfix 3.12 (HISTORY 20260816/20260817)
 * with Postfix 3.12's smtpd and Postern's smtpd in the same role: a client sends a REQUIRETLS
 * message (after STARTTLS) whose content is the edge case, and a {@link RawProxyFilter} behind
 * each smtpd keeps the exact DATA stream. Both streams, after smtpd's own Received: header, must
 * be the same bytes: the {@code Require-TLS-ESMTP: yes} header in the same place, once; the same
 * dot-stuffing; no bare CR or LF. No command after the message may reach either filter.
 *
 * <p>Both smtpds listen on 127.0.85.x with {@code smtpd_forbid_bare_newline_exclusions} empty, so
 * {@code normalize} applies to the (mynetworks) test client.
 */
class ProxyFilterDifferentialIT {
  private static final String EVIL = "MAIL FROM:<evil@attacker.test>";
  private static final String POSTFIX_SMTPD = "127.0.85.11";
  private static final String POSTERN_SMTPD = "127.0.85.12";
  private static final String POSTFIX_FILTER = "127.0.85.21";
  private static final String POSTERN_FILTER = "127.0.85.22";
  private static final int FILTER_PORT = 10025;

  /** One edge case: its name and the DATA content exactly as the client sends it. */
  record Edge(String name, String content) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Edge> EDGES =
      List.of(
          new Edge("first body line starts with a dot", "..\r\n" + EVIL + "\r\n..x\r\n"),
          new Edge("dot line right after the headers", "Subject: d\r\n\r\n..\r\n" + EVIL + "\r\n"),
          new Edge("header line longer than a read", "X-Long: " + "a".repeat(3000) + "\r\nSubject: s\r\n\r\n..line\r\n"),
          new Edge("dot inside a line split across reads", "Subject: l\r\n\r\n" + "b".repeat(2048) + ".rest\r\n"),
          new Edge("bare CR", "Subject: cr\r\n\r\nline one\r" + EVIL + "\r\nx\r.\r\r\n"),
          new Edge("bare LF", "Subject: lf\r\n\r\nline\n.\n" + EVIL + "\nend\r\n"),
          new Edge("dot line after a bare LF line", "Subject: lf2\r\n\r\nline\n.\r\n" + EVIL + "\r\n"),
          new Edge("content starts with whitespace", " folded?\r\nSubject: ws\r\n\r\nbody\r\n"),
          new Edge("has Require-TLS-ESMTP: yes", "Require-TLS-ESMTP: YES\r\nSubject: has\r\n\r\nbody\r\n"),
          new Edge("has Require-TLS-ESMTP: no", "Require-TLS-ESMTP: no\r\nSubject: no\r\n\r\nbody\r\n"));

  @TempDir static Path dir;
  private static TestPki pki;
  private static Postfix312 postfix;
  private static PosternInstance postern;
  private static RawProxyFilter postfixFilter;
  private static RawProxyFilter posternFilter;

  static Stream<Edge> edges() {
    return EDGES.stream();
  }

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    pki = TestPki.create(dir.resolve("pki"));
    List<Path> cert = pki.server("mx.diff.test");
    postfixFilter = new RawProxyFilter(InetAddress.getByName(POSTFIX_FILTER), FILTER_PORT);
    posternFilter = new RawProxyFilter(InetAddress.getByName(POSTERN_FILTER), FILTER_PORT);
    List<String> common = List.of(
        "myhostname = mx.diff.test",
        "mydestination =",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + cert.get(0),
        "smtpd_tls_key_file = " + cert.get(1),
        "smtpd_forbid_bare_newline = normalize",
        "smtpd_forbid_bare_newline_exclusions =",
        "requiretls_enable = yes",
        "requiretls_esmtp_header = yes");
    postfix = Postfix312.start(dir.resolve("postfix"), common,
        List.of(POSTFIX_SMTPD + ":25 inet n - n - - smtpd",
            "  -o smtpd_proxy_filter=" + POSTFIX_FILTER + ":" + FILTER_PORT));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n", common) + "\n");
    postern.appendMasterCf(POSTERN_SMTPD + ":25 inet n - n - - smtpd\n  -o smtpd_proxy_filter="
        + POSTERN_FILTER + ":" + FILTER_PORT);
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix, postfixFilter, posternFilter}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edges")
  void edgeCase_postfix312AndPostern_sameStreamToTheFilter(Edge edge) throws Exception {
    String fromPostfix = throughProxy(POSTFIX_SMTPD, postfixFilter, edge);
    String fromPostern = throughProxy(POSTERN_SMTPD, posternFilter, edge);

    assertThat(afterReceived(fromPostern)).as("Postern's stream to the filter; Postfix 3.12's:\n" + fromPostfix)
        .isEqualTo(afterReceived(fromPostfix));
    assertThat(fromPostern).doesNotContainPattern("\r(?!\n)|(?<!\r)\n");
  }

  /**
   * The DATA stream {@code filter}, behind the smtpd at {@code address}, got for {@code edge}:
   * EHLO, STARTTLS, EHLO, MAIL FROM with REQUIRETLS, RCPT TO, DATA with the content as is, QUIT.
   */
  private static String throughProxy(String address, RawProxyFilter filter, Edge edge) throws Exception {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(InetAddress.getByName(address), 25), 10_000);
      plain.setSoTimeout(30_000);
      reply(plain.getInputStream(), "220");
      send(plain.getOutputStream(), "EHLO client.test\r\n");
      reply(plain.getInputStream(), "250");
      send(plain.getOutputStream(), "STARTTLS\r\n");
      reply(plain.getInputStream(), "220");
      try (SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, address, 25, true)) {
        tls.startHandshake();
        InputStream in = tls.getInputStream();
        OutputStream out = tls.getOutputStream();
        send(out, "EHLO client.test\r\n");
        assertThat(reply(in, "250")).contains("REQUIRETLS");
        send(out, "MAIL FROM:<a@client.test> REQUIRETLS\r\n");
        reply(in, "250");
        send(out, "RCPT TO:<b@relay.test>\r\n");
        reply(in, "250");
        send(out, "DATA\r\n");
        reply(in, "354");
        send(out, edge.content() + ".\r\n");
        reply(in, "250");
        send(out, "QUIT\r\n");
        reply(in, "221");
      }
    }
    filter.awaitQuit();
    assertThat(filter.commands).as("commands at the filter").noneMatch(c -> c.contains("evil@attacker.test"));
    return filter.data();
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one (multi-line) reply; asserts its code. */
  private static String reply(InputStream in, String code) throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
        line.write(b);
      }
      String l = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
      all.append(l).append('\n');
      if (l.length() < 4 || l.charAt(3) != '-') {
        assertThat(l).as("reply, expected " + code + "; so far:\n" + all).startsWith(code);
        return all.toString();
      }
    }
  }

  /** The test client trusts the test smtpds' certificates without checking them. */
  private static SSLContext trustAll() throws Exception {
    TrustManager trustAll = new X509TrustManager() {
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

  /** The stream without smtpd's own Received: header (names, dates and ids differ). */
  private static String afterReceived(String data) {
    assertThat(data).startsWith("Received: ");
    int end = 0;
    do {
      end = data.indexOf("\r\n", end) + 2;
    } while (end < data.length() && (data.charAt(end) == ' ' || data.charAt(end) == '\t'));
    return data.substring(end);
  }
}
