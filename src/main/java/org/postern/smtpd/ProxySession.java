package org.postern.smtpd;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.postern.esmtp.ReplyReader;
import org.postern.queue.CleanupStatus;

/**
 * An SMTP client session to the before-queue content filter ({@code smtpd_proxy_filter},
 * SMTPD_PROXY_README), opened at the first RCPT of a transaction: greeting, {@code EHLO
 * $smtpd_proxy_ehlo}, then the client's MAIL FROM, its RCPTs, DATA and the content, each reply
 * coming back for smtpd to relay. The filter queues the message (usually by re-injecting it into
 * a second smtpd), so the final reply is the filter's.
 *
 * <p>Every connect, read and write is bounded by {@code smtpd_proxy_timeout}: TCP through the
 * socket timeouts, a UNIX-domain socket through a watchdog that closes it when the deadline
 * passes.
 *
 * <p>Failure: a filter that cannot be reached, does not greet with 2xx, refuses EHLO or fails
 * during the conversation throws {@link ProxyException}, which smtpd answers with Postfix's
 * {@code 451 4.3.0 Error: queue file write error} after a warning naming the filter.
 */
final class ProxySession implements AutoCloseable {
  /** What the client hears when the filter fails, as Postfix says it. */
  static final Reply UNAVAILABLE = CleanupException.replyFor(CleanupStatus.PROXY);

  /**
   * Strict about the separator, and bounded as the SMTP client's replies are (100 lines, 1 MiB
   * before a line ends): the filter is a peer, and a reply without end must not take smtpd's
   * memory. {@code smtpd_proxy_timeout} bounds each read (on a UNIX-domain socket, the whole
   * reply).
   */
  private static final ReplyReader REPLIES =
      new ReplyReader(ReplyReader.Separator.SPACE_OR_HYPHEN, 100, 1024 * 1024);

  /** A failure talking to the filter, with the text for the warning. */
  static final class ProxyException extends Exception {
    private static final long serialVersionUID = 1L;

    ProxyException(String message) {
      super(message);
    }
  }

  private final SmtpdSettings.ProxyFilter filter;
  private final AutoCloseable connection;
  private final Watchdog watchdog;
  private final InputStream in;
  private final OutputStream out;

  private ProxySession(SmtpdSettings.ProxyFilter filter, AutoCloseable connection, Watchdog watchdog,
      InputStream in, OutputStream out) {
    this.filter = filter;
    this.connection = connection;
    this.watchdog = watchdog;
    this.in = new BufferedInputStream(in);
    this.out = out;
  }

  /** Connects, reads the greeting and says EHLO; the MAIL FROM is the caller's next step. */
  static ProxySession open(SmtpdSettings.ProxyFilter filter) throws ProxyException {
    ProxySession s = connect(filter);
    try {
      s.expect2xx("greeting", s.reply());
      s.expect2xx("EHLO", s.command("EHLO " + filter.ehlo()));
      return s;
    } catch (ProxyException e) {
      s.close();
      throw e;
    }
  }

  private static ProxySession connect(SmtpdSettings.ProxyFilter filter) throws ProxyException {
    int millis = (int) filter.timeout().toMillis();
    try {
      if (filter.endpoint().address() instanceof UnixDomainSocketAddress unix) {
        SocketChannel channel = SocketChannel.open(unix);
        Watchdog watchdog = new Watchdog(channel, filter.timeout());
        return new ProxySession(filter, channel, watchdog,
            Channels.newInputStream(channel), Channels.newOutputStream(channel));
      }
      InetSocketAddress unresolved = (InetSocketAddress) filter.endpoint().address();
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()), millis);
      socket.setSoTimeout(millis);
      return new ProxySession(filter, socket, null, socket.getInputStream(), socket.getOutputStream());
    } catch (IOException e) {
      throw new ProxyException("connect to proxy filter " + filter.endpoint() + ": " + e.getMessage());
    }
  }

  /** Sends one command line and returns the filter's reply. */
  Reply command(String line) throws ProxyException {
    send((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    return reply();
  }

  /** Sends raw bytes (content, already dot-stuffed). */
  void send(byte[] bytes) throws ProxyException {
    try {
      pat();
      out.write(bytes);
    } catch (IOException e) {
      throw failure("write", e);
    } finally {
      idle();
    }
  }

  /** Flushes what was sent and reads one (possibly multi-line) reply. */
  Reply reply() throws ProxyException {
    try {
      pat();
      out.flush();
      ReplyReader.Lines reply = REPLIES.read(in);
      // A bare CR or other control character must not reach the client or end the session.
      return parse(reply.code(), reply.texts().stream().map(CommandLine::printable).toList());
    } catch (ReplyReader.MalformedReplyException e) {
      throw new ProxyException(
          "malformed reply from proxy filter " + filter.endpoint() + ": " + e.line());
    } catch (IOException e) {
      throw failure("read", e);
    } finally {
      idle();
    }
  }

  /** Splits a leading enhanced status code off every line, so the client's settings apply to it. */
  private static Reply parse(int code, List<String> lines) {
    String first = lines.get(0);
    int space = first.indexOf(' ');
    String enhanced = space > 0 ? first.substring(0, space) : first;
    if (!enhanced.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") || enhanced.charAt(0) != Integer.toString(code).charAt(0)) {
      return new Reply(code, "", lines.stream().map(l -> l.isEmpty() ? " " : l).toList());
    }
    List<String> texts = new ArrayList<>();
    for (String l : lines) {
      String text = l.startsWith(enhanced) ? l.substring(enhanced.length()).stripLeading() : l;
      texts.add(text.isEmpty() ? " " : text);
    }
    return new Reply(code, enhanced, texts);
  }

  private void expect2xx(String what, Reply reply) throws ProxyException {
    if (reply.code() / 100 != 2) {
      throw new ProxyException("proxy filter " + filter.endpoint() + " refused " + what + ": " + reply);
    }
  }

  private ProxyException failure(String what, IOException e) {
    String reason = watchdog != null && watchdog.expired() ? "timeout" : e.getMessage();
    return new ProxyException(what + " proxy filter " + filter.endpoint() + ": " + reason);
  }

  private void pat() {
    if (watchdog != null) {
      watchdog.pat();
    }
  }

  /** Between commands the filter waits for our client, which smtpd_timeout bounds. */
  private void idle() {
    if (watchdog != null) {
      watchdog.idle();
    }
  }

  /** Says QUIT when possible and closes; never throws. */
  @Override
  public void close() {
    try {
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      // The filter is gone already; closing is all that is left.
    }
    try {
      connection.close();
    } catch (Exception e) {
      // Nothing more to release.
    }
    if (watchdog != null) {
      watchdog.stop();
    }
  }

  /** Closes a UNIX-domain channel when no I/O progress was made within the timeout. */
  private static final class Watchdog {
    private final SocketChannel channel;
    private final long timeoutNanos;
    private final Thread thread;
    private volatile long deadline;
    private volatile boolean stopped;
    private volatile boolean expired;

    Watchdog(SocketChannel channel, Duration timeout) {
      this.channel = channel;
      this.timeoutNanos = timeout.toNanos();
      this.deadline = Long.MAX_VALUE;
      this.thread = Thread.ofVirtual().name("smtpd-proxy-watchdog").start(this::watch);
    }

    void pat() {
      deadline = System.nanoTime() + timeoutNanos;
      LockSupport.unpark(thread);
    }

    void idle() {
      deadline = Long.MAX_VALUE;
    }

    boolean expired() {
      return expired;
    }

    void stop() {
      stopped = true;
      LockSupport.unpark(thread);
    }

    private void watch() {
      while (!stopped) {
        long due = deadline;
        if (due == Long.MAX_VALUE) {
          LockSupport.park();
          continue;
        }
        long left = due - System.nanoTime();
        if (left <= 0) {
          expired = true;
          try {
            channel.close();
          } catch (IOException e) {
            // Closing is the whole point; a failure leaves nothing else to do.
          }
          return;
        }
        LockSupport.parkNanos(left);
      }
    }
  }
}
