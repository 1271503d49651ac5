package org.postern.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;
import org.postern.tls.ClientTlsContext;
import org.postern.tls.TlsConnection;
import org.postern.tls.TlsParameters;
import org.postern.esmtp.ReplyReader;

/**
 * One connection to an SMTP or LMTP server, over TCP or a UNIX-domain socket: reads replies
 * within a per-stage time limit, writes command lines and raw data, and upgrades to TLS.
 *
 * <p>TCP reads are limited with the socket timeout; a UNIX-domain channel has none, so a
 * watchdog virtual thread closes it when a stage outlives its limit.
 *
 * <p>Failure: a timeout is a {@link SocketTimeoutException}; a lost connection or a malformed or
 * overlong reply is an {@link IOException}.
 */
final class SmtpConnection implements AutoCloseable {
  /** RFC 5321 reply codes of classes 2 to 5, at most 100 lines, a line bounded at 1 MiB. */
  private static final ReplyReader REPLIES =
      new ReplyReader(ReplyReader.Separator.LAST_UNLESS_HYPHEN, 100, 1024 * 1024);

  private final Socket socket;
  private final SocketChannel channel;
  private InputStream in;
  private OutputStream out;
  private SSLSession tls;
  private TlsConnection tlsConnection;
  private final AtomicLong stage = new AtomicLong();
  private volatile boolean timedOut;
  /** System.nanoTime() by which the current read stage must end, when it has a timeout. */
  private long deadline;
  private boolean hasDeadline;

  private SmtpConnection(Socket socket, SocketChannel channel, InputStream in, OutputStream out) {
    this.socket = socket;
    this.channel = channel;
    this.in = in;
    this.out = out;
  }

  /** The socket could not be bound to the configured local address; nothing was sent. */
  static final class BindFailure extends IOException {
    BindFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static SmtpConnection connect(InetSocketAddress address, Duration timeout) throws IOException {
    return connect(address, timeout, Optional.empty());
  }

  /** Connects from {@code local} (port chosen by the kernel) when present. */
  static SmtpConnection connect(
      InetSocketAddress address, Duration timeout, Optional<InetAddress> local)
      throws IOException {
    Socket s = new Socket();
    try {
      if (local.isPresent()) {
        bind(s, local.get());
      }
      s.connect(address, timeout.isZero() ? 0 : (int) timeout.toMillis());
      // Commands go out one flush at a time; Nagle would only stall TLS handshake flights.
      s.setTcpNoDelay(true);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return new SmtpConnection(
        s, null, new BufferedInputStream(s.getInputStream()),
        new BufferedOutputStream(s.getOutputStream()));
  }

  private static void bind(Socket s, InetAddress local) throws BindFailure {
    try {
      s.bind(new InetSocketAddress(local, 0));
    } catch (IOException e) {
      throw new BindFailure(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
          e);
    }
  }

  static SmtpConnection connect(Path socketPath) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socketPath));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new SmtpConnection(
        null, ch, new BufferedInputStream(Channels.newInputStream(ch)),
        new BufferedOutputStream(Channels.newOutputStream(ch)));
  }

  /** Reads one (possibly multi-line) reply, waiting at most {@code timeout}. */
  ServerReply read(Duration timeout) throws IOException {
    long mine = arm(timeout);
    try {
      ReplyReader.Lines reply = REPLIES.read(in, this::stageExpired);
      return new ServerReply(reply.code(), reply.texts());
    } catch (IOException e) {
      if (timedOut) {
        throw new SocketTimeoutException("timed out");
      }
      throw e;
    } finally {
      stage.compareAndSet(mine, mine + 1);
    }
  }

  /**
   * True once the current stage has outlived its limit: a server that drips bytes would otherwise
   * hold the delivery forever, since the socket timeout only bounds each single read.
   */
  private boolean stageExpired() {
    if (hasDeadline && System.nanoTime() - deadline > 0) {
      timedOut = true;
      return true;
    }
    return false;
  }

  private long arm(Duration timeout) throws IOException {
    long mine = stage.incrementAndGet();
    hasDeadline = !timeout.isZero();
    deadline = System.nanoTime() + timeout.toNanos();
    if (socket != null) {
      socket.setSoTimeout(timeout.isZero() ? 0 : (int) Math.max(1, timeout.toMillis()));
    } else if (!timeout.isZero()) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  Thread.sleep(timeout);
                  if (stage.get() == mine) {
                    timedOut = true;
                    channel.close();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (IOException e) {
                  timedOut = true;
                }
              });
    }
    return mine;
  }

  /** Writes a command line, adding CRLF; buffered until {@link #flush}. */
  void writeLine(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  void write(byte[] data, int offset, int length) throws IOException {
    out.write(data, offset, length);
  }

  /** The buffered stream that commands go through, for content streamed after them. */
  OutputStream output() {
    return out;
  }

  void flush() throws IOException {
    out.flush();
  }

  /** True when the server sent bytes that no command asked for yet (pipelining abuse). */
  boolean hasUnreadInput() throws IOException {
    return in.available() > 0;
  }

  /**
   * Upgrades the TCP connection to TLS with the protocols and cipher suites of {@code
   * parameters} and completes the handshake within {@code timeout}.
   */
  void startTls(ClientTlsContext context, TlsParameters parameters, String peerName,
      Duration timeout) throws IOException {
    if (socket == null) {
      throw new IOException("STARTTLS over a UNIX-domain socket is not supported");
    }
    socket.setSoTimeout(timeout.isZero() ? 0 : (int) timeout.toMillis());
    TlsConnection connection = context.connect(socket, peerName, parameters);
    this.tls = connection.session();
    this.in = new BufferedInputStream(connection.input());
    this.out = new BufferedOutputStream(connection.output());
    this.tlsConnection = connection;
  }

  /** The local address of a TCP connection, for TLS reporting; empty over a UNIX-domain socket. */
  Optional<InetAddress> localAddress() {
    return socket == null ? Optional.empty() : Optional.ofNullable(socket.getLocalAddress());
  }

  boolean tlsActive() {
    return tls != null;
  }

  /** The server's chain, leaf first; empty without TLS. */
  List<X509Certificate> peerChain() {
    if (tls == null) {
      return List.of();
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : tls.getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
      return chain;
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  /** {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384}, for logging. */
  String tlsDescription() {
    return tls == null ? "" : tls.getProtocol() + " with cipher " + tls.getCipherSuite();
  }

  @Override
  public void close() {
    try {
      if (tlsConnection != null) {
        tlsConnection.close();
      }
      if (socket != null) {
        socket.close();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // Closing a connection that already failed: nothing more to learn or do.
    }
  }
}
