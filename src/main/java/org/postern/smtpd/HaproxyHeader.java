package org.postern.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * haproxy(1)'s PROXY protocol as smtpd reads it before the greeting under {@code
 * smtpd_upstream_proxy_protocol = haproxy}: version 1 ({@code PROXY TCP4|TCP6 client server
 * cport sport CRLF}) and version 2 (the binary header with its 12-byte signature, commands PROXY
 * and LOCAL, families TCP over IPv4 and IPv6; TLVs are skipped). A LOCAL header (haproxy's own
 * health checks) means the connection is not proxied and the socket's endpoints stand.
 *
 * <p>Every byte is hostile: no more than {@link #MAX_LENGTH} bytes are read (Postfix's
 * {@code HAPROXY_HEADER_MAX_LEN}), never a byte past the header, and the whole header must arrive
 * within {@code smtpd_upstream_proxy_timeout}. Addresses must be literal (no DNS lookup), of a
 * family {@code inet_protocols} enables; an IPv4-mapped IPv6 address becomes IPv4. As in Postfix,
 * version 1 {@code UNKNOWN} and version 2 {@code UNSPEC} are refused: they would sidestep
 * address-based access control.
 *
 * <p>Failure: {@link Invalid} carries Postfix's reason ({@code bad or missing client address},
 * {@code short protocol header}, {@code timeout error}, {@code EOF}, ...) and the bytes read,
 * escaped, for the {@code warning: haproxy read: ...} line.
 */
final class HaproxyHeader {
  /** Postfix reads at most this much of a header (HAPROXY_HEADER_MAX_LEN). */
  static final int MAX_LENGTH = 536;

  private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2_SIGNATURE = {
      '\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
  private static final int V2_HEADER = 16;
  private static final String EOF = "EOF";
  private static final String TIMEOUT = "timeout error";
  private static final Pattern V1_SEPARATORS = Pattern.compile("[ \r]+");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  /** What a header says: the proxied endpoints, or (LOCAL) that the socket's endpoints stand. */
  sealed interface Result {}

  /** A proxied connection: the client haproxy accepted and the address it accepted it on. */
  record Proxied(InetSocketAddress client, InetSocketAddress server) implements Result {}

  /** A version 2 LOCAL header: not proxied. */
  record Local() implements Result {}

  /** A header smtpd cannot use: Postfix's reason and the bytes it read. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final String escaped;

    Invalid(String reason, byte[] read) {
      super(reason);
      this.reason = reason;
      this.escaped = SmtpInput.escape(read, 0, read.length);
    }

    /**
     * The text after {@code warning: }, as Postfix's smtpd logs it: with the bytes read, except
     * for a timeout or an end of input, which Postfix meets before it looks at any.
     */
    String logLine() {
      return reason.equals(EOF) || reason.equals(TIMEOUT)
          ? "haproxy read: " + reason
          : "haproxy read: " + reason + ": " + escaped;
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final long deadline;
  private final UpstreamProxy.Families families;
  private final byte[] buf = new byte[MAX_LENGTH];
  private int len;

  private HaproxyHeader(Socket socket, Duration timeout, UpstreamProxy.Families families) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.deadline = System.nanoTime() + timeout.toNanos();
    this.families = families;
  }

  /**
   * Reads the header from {@code socket} within {@code timeout}, leaving the socket's input at the
   * first byte after it; the socket's read timeout is changed.
   */
  static Result read(Socket socket, Duration timeout, UpstreamProxy.Families families)
      throws IOException, Invalid {
    return new HaproxyHeader(socket, timeout, families).read();
  }

  private Result read() throws IOException, Invalid {
    while (true) {
      readAtMost(1);
      if (startsWith(V1_PREFIX)) {
        return version1();
      }
      if (startsWith(V2_SIGNATURE)) {
        return version2();
      }
      if (!prefixOf(V1_PREFIX) && !prefixOf(V2_SIGNATURE)) {
        readAvailable();
        throw invalid(len < V2_HEADER ? "short protocol header" : "unrecognized protocol header");
      }
    }
  }

  private Result version1() throws IOException, Invalid {
    while (buf[len - 1] != '\n') {
      if (len == MAX_LENGTH) {
        throw invalid("missing protocol header terminator");
      }
      readAtMost(1);
    }
    String line = new String(buf, 0, len - 1, StandardCharsets.ISO_8859_1);
    List<String> tokens =
        Arrays.stream(V1_SEPARATORS.split(line)).filter(t -> !t.isEmpty()).toList();
    Optional<Boolean> ipv6 = tokens.size() > 1 ? protocol(tokens.get(1)) : Optional.empty();
    if (ipv6.isEmpty()) {
      throw invalid("bad or missing protocol type");
    }
    Optional<InetAddress> client = address(token(tokens, 2), ipv6.get());
    if (client.isEmpty()) {
      throw invalid("bad or missing client address");
    }
    Optional<InetAddress> server = address(token(tokens, 3), ipv6.get());
    if (server.isEmpty()) {
      throw invalid("bad or missing server address");
    }
    int clientPort = port(token(tokens, 4));
    if (clientPort < 0) {
      throw invalid("bad or missing client port");
    }
    int serverPort = port(token(tokens, 5));
    if (serverPort < 0) {
      throw invalid("bad or missing server port");
    }
    return new Proxied(new InetSocketAddress(client.get(), clientPort),
        new InetSocketAddress(server.get(), serverPort));
  }

  private static String token(List<String> tokens, int i) {
    return i < tokens.size() ? tokens.get(i) : "";
  }

  /** TCP4 or TCP6 (any case) of an enabled family: true for IPv6. */
  private Optional<Boolean> protocol(String token) {
    if (token.equalsIgnoreCase("TCP4") && families.ipv4()) {
      return Optional.of(false);
    }
    if (token.equalsIgnoreCase("TCP6") && families.ipv6()) {
      return Optional.of(true);
    }
    return Optional.empty();
  }

  /** A literal address of the protocol's family, never looked up in DNS. */
  private static Optional<InetAddress> address(String token, boolean ipv6) {
    return ipv6 ? ipv6Address(token) : ipv4Address(token);
  }

  private static Optional<InetAddress> ipv4Address(String token) {
    Matcher m = IPV4.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    byte[] octets = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet = Integer.parseInt(m.group(i + 1));
      if (octet > 255) {
        return Optional.empty();
      }
      octets[i] = (byte) octet;
    }
    return Optional.of(fromBytes(octets));
  }

  private static Optional<InetAddress> ipv6Address(String token) {
    if (token.length() > 45 || !IPV6.matcher(token).matches()) {
      return Optional.empty();
    }
    try {
      // With a ':' and nothing but hex digits and dots, InetAddress parses the literal and never
      // asks DNS; an IPv4-mapped address comes back as IPv4.
      return Optional.of(InetAddress.getByName(token));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static InetAddress fromBytes(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address of " + bytes.length + " bytes", e);
    }
  }

  private static int port(String token) {
    if (!PORT.matcher(token).matches()) {
      return -1;
    }
    int port = Integer.parseInt(token);
    return port <= 65535 ? port : -1;
  }

  private Result version2() throws IOException, Invalid {
    readFully(V2_HEADER);
    if ((buf[12] & 0xf0) != 0x20) {
      throw invalid("unrecognized protocol version");
    }
    int length = ((buf[14] & 0xff) << 8) | (buf[15] & 0xff);
    if (V2_HEADER + length > MAX_LENGTH) {
      throw invalid("short version 2 protocol header");
    }
    readFully(V2_HEADER + length);
    return switch (buf[12] & 0x0f) {
      case 0x00 -> new Local();
      case 0x01 -> proxied(length);
      default -> throw invalid("bad command in proxy header");
    };
  }

  /** The PROXY command's addresses; whatever follows them (TLVs) is read and ignored. */
  private Proxied proxied(int length) throws Invalid {
    int family = buf[13] & 0xff;
    if (family == 0x11) {
      if (!families.ipv4()) {
        throw invalid("Postfix IPv4 support is disabled");
      }
      return endpoints(length, 4);
    }
    if (family == 0x21) {
      if (!families.ipv6()) {
        throw invalid("Postfix IPv6 support is disabled");
      }
      return endpoints(length, 16);
    }
    throw invalid("unsupported network protocol");
  }

  private Proxied endpoints(int length, int size) throws Invalid {
    if (length < 2 * size + 4) {
      throw invalid("short address field");
    }
    int at = V2_HEADER;
    InetAddress client = rawAddress(at, size);
    InetAddress server = rawAddress(at + size, size);
    int ports = at + 2 * size;
    return new Proxied(new InetSocketAddress(client, unsigned16(ports)),
        new InetSocketAddress(server, unsigned16(ports + 2)));
  }

  /** Binary address bytes; an IPv4-mapped IPv6 address comes back as IPv4, as Postfix logs it. */
  private InetAddress rawAddress(int at, int size) {
    return fromBytes(Arrays.copyOfRange(buf, at, at + size));
  }

  private int unsigned16(int at) {
    return ((buf[at] & 0xff) << 8) | (buf[at + 1] & 0xff);
  }

  private boolean startsWith(byte[] prefix) {
    return len >= prefix.length && Arrays.equals(buf, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The bytes read so far could still become {@code prefix}. */
  private boolean prefixOf(byte[] prefix) {
    int n = Math.min(len, prefix.length);
    return Arrays.equals(buf, 0, n, prefix, 0, n);
  }

  private void readFully(int total) throws IOException, Invalid {
    while (len < total) {
      readAtMost(total - len);
    }
  }

  /** Reads between 1 and {@code max} bytes before the deadline. */
  private void readAtMost(int max) throws IOException, Invalid {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw invalid(TIMEOUT);
    }
    socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
    int n;
    try {
      n = in.read(buf, len, max);
    } catch (SocketTimeoutException e) {
      throw invalid(TIMEOUT);
    }
    if (n < 0) {
      throw invalid(EOF);
    }
    len += n;
  }

  /** Adds what already arrived (up to the limit) to the bytes a warning shows. */
  private void readAvailable() throws IOException {
    int more = Math.min(in.available(), MAX_LENGTH - len);
    if (more > 0) {
      len += Math.max(0, in.read(buf, len, more));
    }
  }

  /** A refusal showing, as Postfix's does, all that had arrived: the session ends anyway. */
  private Invalid invalid(String reason) {
    try {
      readAvailable();
    } catch (IOException e) {
      // The warning shows what was read before the error.
    }
    return new Invalid(reason, Arrays.copyOf(buf, len));
  }
}
