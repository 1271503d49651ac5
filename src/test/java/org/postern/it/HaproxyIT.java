package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's haproxy in front of Postern, as a load balancer in front of a fleet: one frontend
 * sends PROXY protocol version 1 ({@code send-proxy}), one version 2 ({@code send-proxy-v2}), to
 * a master.cf smtpd entry that reads it ({@code -o smtpd_upstream_proxy_protocol=haproxy}).
 * Clients from two addresses: the one in mynetworks may relay, the other is refused, and the log
 * and Received: header name each, not haproxy. Raw sockets then send what haproxy never would.
 */
class HaproxyIT {
  private static final String PROXIED = "127.0.96.10";
  private static final String PROXIED_312 = "127.0.96.12";
  private static final String V1_FRONT = "127.0.96.20";
  private static final String V2_FRONT = "127.0.96.21";
  private static final String TRUSTED = "127.0.96.31";
  private static final String STRANGER = "127.0.96.32";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private PosternInstance postern;
  private Process haproxy;
  private int port;
  private int frontPort;

  @BeforeEach
  void start() throws Exception {
    postern = PosternInstance.createReceiveOnly(dir.resolve("postern"),
        "myhostname = mx.test\nmydestination = mx.test\nmynetworks = " + TRUSTED + "/32\n"
            + "inet_protocols = ipv4\n");
    port = PosternInstance.freePort();
    postern.appendMasterCf(PROXIED + ":" + port + " inet n - n - - smtpd\n"
        + "  -o smtpd_upstream_proxy_protocol=haproxy\n"
        + "  -o smtpd_upstream_proxy_timeout=2s");
    postern.startAndAwaitSmtp();
    frontPort = PosternInstance.freePort();
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, String.join("\n",
        "global",
        "  maxconn 200",
        "defaults",
        "  mode tcp",
        "  timeout connect 5s",
        "  timeout client 30s",
        "  timeout server 30s",
        "frontend v1",
        "  bind " + V1_FRONT + ":" + frontPort,
        "  default_backend proxied_v1",
        "frontend v2",
        "  bind " + V2_FRONT + ":" + frontPort,
        "  default_backend proxied_v2",
        "backend proxied_v1",
        "  server postern " + PROXIED + ":" + port + " send-proxy",
        "backend proxied_v2",
        "  server postern " + PROXIED + ":" + port + " send-proxy-v2",
        ""));
    haproxy = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    assertThat(Commands.await(LIMIT, () -> listening(V1_FRONT) && listening(V2_FRONT)))
        .as("haproxy listening; its output: " + haproxyLog()).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (haproxy != null) {
      haproxy.destroy();
      haproxy.waitFor(10, TimeUnit.SECONDS);
    }
    if (postern != null) {
      postern.close();
    }
  }

  private boolean listening(String address) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, frontPort), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String haproxyLog() {
    try {
      return Files.readString(dir.resolve("haproxy.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The reply to a relay attempt from {@code source} through the frontend at {@code front}. */
  private String relayThrough(String front, String source, String tag) throws IOException {
    try (SmtpClient c = SmtpClient.connectFrom(source, InetAddress.getByName(front), frontPort)) {
      assertThat(c.greeting()).startsWith("220 mx.test");
      assertThat(c.command("EHLO " + tag + ".client.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<a@client.test>").code()).isEqualTo(250);
      SmtpClient.Reply rcpt = c.command("RCPT TO:<b@remote.example>");
      if (rcpt.code() == 250) {
        assertThat(c.command("DATA").code()).isEqualTo(354);
        c.send("Subject: " + tag + "\r\n\r\nrelayed\r\n.\r\n");
        assertThat(c.reply().code()).isEqualTo(250);
      }
      c.command("QUIT");
      return rcpt.text();
    }
  }

  @Test
  void bothVersionsGiveTheRealClientToMynetworksAndTheLog() throws Exception {
    for (String front : List.of(V1_FRONT, V2_FRONT)) {
      String tag = front.equals(V1_FRONT) ? "v1" : "v2";
      assertThat(relayThrough(front, TRUSTED, tag)).as(tag + " trusted").startsWith("250 2.1.5");
      assertThat(relayThrough(front, STRANGER, tag)).as(tag + " stranger")
          .isEqualTo("454 4.7.1 <b@remote.example>: Relay access denied");
    }
    postern.awaitLog(Pattern.compile("NOQUEUE: reject: RCPT from unknown\\[" + STRANGER
        + "\\]: 454 4.7.1 <b@remote.example>: Relay access denied"), LIMIT);
    String log = postern.maillogText();
    assertThat(postern.logLines(Pattern.compile("connect from unknown\\[" + TRUSTED + "\\]$")))
        .hasSize(2);
    assertThat(log).doesNotContain("haproxy read");
    assertThat(postern.queueIds("incoming")).hasSize(2);
    for (String id : postern.queueIds("incoming")) {
      assertThat(postern.postcat(id))
          .containsPattern("Received: from v[12]\\.client\\.test \\(unknown \\[" + TRUSTED + "\\]\\)")
          .contains("client_address=" + TRUSTED);
    }
  }

  /** What a raw client hears after sending {@code header}: the first line. */
  private String rawReply(byte[] header) throws IOException {
    return rawReply(PROXIED, port, header);
  }

  private static String rawReply(String server, int serverPort, byte[] header) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(STRANGER, 0));
      s.connect(new InetSocketAddress(server, serverPort), 5_000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(header);
      s.getOutputStream().flush();
      return firstLine(s.getInputStream());
    }
  }

  private static String firstLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.append((char) c);
    }
    return b.toString().strip();
  }

  @Test
  void malformedHeadersAreRefusedAsPostfixRefusesThem() throws Exception {
    String refused = "421 4.3.0 mx.test Server local error";
    assertThat(rawReply("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(refused);
    assertThat(rawReply("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(refused);
    assertThat(rawReply("PROXY TCP4 127.0.96.31 300.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(refused);
    byte[] unspec = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x21, 0, 0, 0};
    assertThat(rawReply(unspec)).isEqualTo(refused);
    byte[] huge = unspec.clone();
    huge[13] = 0x11;
    huge[14] = (byte) 0xff;
    assertThat(rawReply(huge)).isEqualTo(refused);
    assertThat(rawReply(new byte[0])).as("silence until smtpd_upstream_proxy_timeout").isEqualTo(refused);
    byte[] local = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x20, 0, 0, 0};
    assertThat(rawReply(local)).as("LOCAL: not proxied").startsWith("220 mx.test");

    postern.awaitLog(Pattern.compile("connect from unknown\\[" + STRANGER + "\\]"), LIMIT);
    String log = postern.maillogText();
    assertThat(log)
        .contains("warning: haproxy read: bad or missing protocol type: PROXY UNKNOWN\\r\\n")
        .contains("warning: haproxy read: short protocol header: EHLO x\\r\\n")
        .contains("warning: haproxy read: bad or missing server address: PROXY TCP4 127.0.96.31 300.0.0.1 1 2\\r\\n")
        .contains("warning: haproxy read: unsupported network protocol: \\r\\n\\r\\n\\000\\r\\nQUIT\\n!\\000\\000\\000")
        .contains("warning: haproxy read: short version 2 protocol header: ")
        .contains("warning: haproxy read: timeout error");
    assertThat(postern.logLines(Pattern.compile("connect from unknown\\[unknown\\]$"))).hasSize(6);
    assertThat(postern.logLines(Pattern.compile("disconnect from unknown\\[unknown\\] commands=0/0$")))
        .hasSize(6);
  }

  /** The haproxy warnings of a maillog, in order, without time and process. */
  private static List<String> haproxyWarnings(String log) {
    return log.lines().map(l -> l.replaceFirst("^.*?: (warning: haproxy read: )", "$1"))
        .filter(l -> l.startsWith("warning: haproxy read: ")).toList();
  }

  @Test
  void badHeadersGetPostfix312sRepliesAndWarnings() throws Exception {
    int postfixPort = PosternInstance.freePort();
    List<byte[]> headers = List.of(
        "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII),
        "PROXY TCP4 1.2.3 127.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII),
        "PROXY TCP4 1.2.3.4 5.6.7.8 99999 2\r\n".getBytes(StandardCharsets.US_ASCII),
        "PROXY TCP6 ::1 ::1 1 2\r\n".getBytes(StandardCharsets.US_ASCII),
        "EHLO x\r\n".getBytes(StandardCharsets.US_ASCII),
        "GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        new byte[] {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x21, 0, 0, 0},
        new byte[] {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x31, 0x11, 0, 12,
            127, 0, 96, 9, 127, 0, 0, 1, 0x0f, (byte) 0xa0, 0x09, (byte) 0xc5},
        new byte[] {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x21, 0x11, 0, 8,
            127, 0, 96, 9, 127, 0, 0, 1},
        new byte[0]);
    try (Postfix312Instance postfix = Postfix312Instance.start(dir, dir.resolve("postfix"), PROXIED_312,
        postfixPort, "myhostname = mx.test\n"
            + "smtpd_upstream_proxy_protocol = haproxy\nsmtpd_upstream_proxy_timeout = 2s")) {
      // The start-up's check that smtpd is up sent no header (the one probe that got an answer
      // timed out): that warning is not compared.
      assertThat(Commands.await(LIMIT, () -> haproxyWarnings(postfix.log()).size() == 1))
          .as("Postfix 3.12 start-up probe:\n" + postfix.log()).isTrue();
      int before = 1;
      for (byte[] header : headers) {
        assertThat(rawReply(header)).as(new String(header, StandardCharsets.ISO_8859_1))
            .isEqualTo(rawReply(PROXIED_312, postfixPort, header));
      }
      assertThat(Commands.await(LIMIT,
          () -> haproxyWarnings(postfix.log()).size() == before + headers.size()))
          .as("Postfix 3.12 warnings:\n" + postfix.log()).isTrue();
      assertThat(Commands.await(LIMIT, () -> haproxyWarnings(postern.maillogText()).size() == headers.size()))
          .as("Postern warnings:\n" + postern.maillogText()).isTrue();
      List<String> postfixWarnings = haproxyWarnings(postfix.log());
      assertThat(haproxyWarnings(postern.maillogText()))
          .isEqualTo(postfixWarnings.subList(before, postfixWarnings.size()));
    }
  }
}
