package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol reader over a real loopback connection: Postfix's reasons for bad headers
 * (the texts its smtpd logs, checked against Postfix 3.12), nothing read past the header, limits
 * on length and time.
 */
class HaproxyHeaderTest {
  private static final UpstreamProxy.Families BOTH = new UpstreamProxy.Families(true, true);
  private static final byte[] SIGNATURE = {
      '\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};

  private ServerSocket listener;
  private Socket client;
  private Socket server;

  @BeforeEach
  void connect() throws IOException {
    listener = new ServerSocket(0, 5, InetAddress.getByName("127.0.96.1"));
    client = new Socket(listener.getInetAddress(), listener.getLocalPort());
    server = listener.accept();
  }

  @AfterEach
  void close() throws IOException {
    client.close();
    server.close();
    listener.close();
  }

  private HaproxyHeader.Result read(byte[] sent, UpstreamProxy.Families families)
      throws IOException, HaproxyHeader.Invalid {
    client.getOutputStream().write(sent);
    client.getOutputStream().flush();
    return HaproxyHeader.read(server, Duration.ofSeconds(20), families);
  }

  private HaproxyHeader.Result read(String sent) throws IOException, HaproxyHeader.Invalid {
    return read(sent.getBytes(StandardCharsets.ISO_8859_1), BOTH);
  }

  private String refused(byte[] sent, UpstreamProxy.Families families) {
    try {
      HaproxyHeader.Result r = read(sent, families);
      throw new AssertionError("accepted: " + r);
    } catch (HaproxyHeader.Invalid e) {
      return e.logLine();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private String refused(String sent) {
    return refused(sent.getBytes(StandardCharsets.ISO_8859_1), BOTH);
  }

  private static byte[] v2(int command, int family, byte[] addresses) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(SIGNATURE);
    b.write(0x20 | command);
    b.write(family);
    b.write(addresses.length >> 8);
    b.write(addresses.length & 0xff);
    b.writeBytes(addresses);
    return b.toByteArray();
  }

  private static byte[] tcp4(String src, String dst, int sport, int dport, byte[] tlvs)
      throws IOException {
    return ByteBuffer.allocate(12 + tlvs.length)
        .put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress())
        .putShort((short) sport).putShort((short) dport).put(tlvs).array();
  }

  @Test
  void version1GivesTheClientAndLeavesTheRestUnread() throws Exception {
    HaproxyHeader.Result r = read("PROXY TCP4 192.0.2.7 198.51.100.1 40001 25\r\nEHLO x\r\n");
    assertThat(r).isEqualTo(new HaproxyHeader.Proxied(
        new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 40001),
        new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 25)));
    assertThat(new String(server.getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
        .isEqualTo("EHLO x\r\n");
  }

  @Test
  void version1Tcp6AndMappedAddresses() throws Exception {
    HaproxyHeader.Proxied r = (HaproxyHeader.Proxied) read("PROXY TCP6 2001:db8::7 ::ffff:192.0.2.1 1 2\r\n");
    assertThat(r.client().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(r.server().getAddress().getHostAddress()).isEqualTo("192.0.2.1");
  }

  @Test
  void version1ReasonsArePostfixs() {
    assertThat(refused("PROXY UNKNOWN\r\n"))
        .isEqualTo("haproxy read: bad or missing protocol type: PROXY UNKNOWN\\r\\n");
    assertThat(refused("PROXY TCP4 1.2.3 127.0.0.1 1 2\r\n"))
        .isEqualTo("haproxy read: bad or missing client address: PROXY TCP4 1.2.3 127.0.0.1 1 2\\r\\n");
    assertThat(refused("PROXY TCP4 1.2.3.4 5.6.7.8 99999 2\r\n"))
        .isEqualTo("haproxy read: bad or missing client port: PROXY TCP4 1.2.3.4 5.6.7.8 99999 2\\r\\n");
    assertThat(refused("PROXY TCP4 1.2.3.4 example.com 1 2\r\n"))
        .startsWith("haproxy read: bad or missing server address: ");
    assertThat(refused("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"))
        .startsWith("haproxy read: bad or missing server port: ");
    assertThat(refused("PROXY TCP4 2001:db8::1 5.6.7.8 1 2\r\n"))
        .startsWith("haproxy read: bad or missing client address: ");
  }

  @Test
  void version1OfADisabledFamilyIsRefused() {
    assertThat(refused("PROXY TCP6 ::1 ::1 1 2\r\n".getBytes(StandardCharsets.US_ASCII),
        new UpstreamProxy.Families(true, false)))
        .isEqualTo("haproxy read: bad or missing protocol type: PROXY TCP6 ::1 ::1 1 2\\r\\n");
  }

  @Test
  void version1WithoutTerminatorStopsAtTheLimit() {
    String endless = "PROXY TCP4 " + "1".repeat(HaproxyHeader.MAX_LENGTH);
    assertThat(refused(endless)).startsWith("haproxy read: missing protocol header terminator: PROXY TCP4 111");
  }

  @Test
  void somethingElseIsNoHeader() throws Exception {
    client.getOutputStream().write("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    Thread.sleep(100);
    assertThat(refused(new byte[0], BOTH))
        .isEqualTo("haproxy read: unrecognized protocol header: GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n");
  }

  @Test
  void version2Tcp4SkipsTlvs() throws Exception {
    byte[] tlvs = {0x04, 0x00, 0x03, 'a', 'b', 'c'};
    byte[] header = v2(1, 0x11, tcp4("192.0.2.9", "127.0.96.1", 4000, 2525, tlvs));
    byte[] sent = ByteBuffer.allocate(header.length + 4).put(header).put("QUIT".getBytes()).array();
    HaproxyHeader.Proxied r = (HaproxyHeader.Proxied) read(sent, BOTH);
    assertThat(r.client()).isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 4000));
    assertThat(r.server().getPort()).isEqualTo(2525);
    assertThat(server.getInputStream().readNBytes(4)).isEqualTo("QUIT".getBytes());
  }

  @Test
  void version2Tcp6() throws Exception {
    byte[] addresses = ByteBuffer.allocate(36)
        .put(InetAddress.getByName("2001:db8::9").getAddress())
        .put(InetAddress.getByName("2001:db8::1").getAddress())
        .putShort((short) 65000).putShort((short) 25).array();
    HaproxyHeader.Proxied r = (HaproxyHeader.Proxied) read(v2(1, 0x21, addresses), BOTH);
    assertThat(r.client().getPort()).isEqualTo(65000);
    assertThat(r.client().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:9");
  }

  @Test
  void version2LocalMeansNotProxied() throws Exception {
    assertThat(read(v2(0, 0x00, new byte[0]), BOTH)).isEqualTo(new HaproxyHeader.Local());
  }

  @Test
  void version2ReasonsArePostfixs() throws Exception {
    assertThat(refused(v2(1, 0x00, new byte[0]), BOTH))
        .isEqualTo("haproxy read: unsupported network protocol: \\r\\n\\r\\n\\000\\r\\nQUIT\\n!\\000\\000\\000");
    byte[] badVersion = v2(1, 0x11, tcp4("127.0.96.9", "127.0.0.1", 4000, 2501, new byte[0]));
    badVersion[12] = 0x31;
    assertThat(refused(badVersion, BOTH)).isEqualTo("haproxy read: unrecognized protocol version: "
        + "\\r\\n\\r\\n\\000\\r\\nQUIT\\n1\\021\\000\\f\\177\\000`\\t\\177\\000\\000\\001\\017\\240\\t\\305");
    byte[] shortAddresses = v2(1, 0x11, new byte[8]);
    assertThat(refused(shortAddresses, BOTH)).startsWith("haproxy read: short address field: ");
    assertThat(refused(v2(2, 0x11, new byte[12]), BOTH)).startsWith("haproxy read: bad command in proxy header: ");
  }

  @Test
  void version2LengthBeyondTheLimitIsRefusedUnread() {
    byte[] header = v2(1, 0x11, new byte[0]);
    header[14] = (byte) 0xff;
    header[15] = (byte) 0xff;
    assertThat(refused(header, BOTH)).startsWith("haproxy read: short version 2 protocol header: ");
  }

  @Test
  void version2OfADisabledFamilyIsRefused() throws Exception {
    byte[] header = v2(1, 0x11, tcp4("192.0.2.9", "127.0.96.1", 1, 2, new byte[0]));
    assertThat(refused(header, new UpstreamProxy.Families(false, true)))
        .startsWith("haproxy read: Postfix IPv4 support is disabled: ");
  }

  @Test
  void silenceTimesOutAndHangUpIsEof() throws Exception {
    assertThatThrownBy(() -> HaproxyHeader.read(server, Duration.ofMillis(200), BOTH))
        .isInstanceOf(HaproxyHeader.Invalid.class)
        .extracting(e -> ((HaproxyHeader.Invalid) e).logLine()).isEqualTo("haproxy read: timeout error");
    client.shutdownOutput();
    assertThatThrownBy(() -> HaproxyHeader.read(server, Duration.ofSeconds(20), BOTH))
        .extracting(e -> ((HaproxyHeader.Invalid) e).logLine()).isEqualTo("haproxy read: EOF");
  }
}
