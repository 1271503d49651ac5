package org.postern.policy;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.postern.util.LineChannel;

/**
 * The client side of one policy service, as Postfix's {@code attr_clnt}/{@code auto_clnt} drive
 * it: a request is {@code name=value} lines and an empty line, the reply {@code action=...} and an
 * empty line. Connections are kept and reused: an SMTP session holds one {@link Lease} for its
 * whole life, so all requests about one message (one {@code instance}) go over one connection, as
 * they do from a Postfix smtpd process; when the session ends the connection returns to a pool for
 * the next session. A connection is closed and replaced after {@code max_idle} without a request,
 * after {@code max_ttl} since it was opened, after {@code request_limit} requests (0: no limit),
 * and whenever the server sent something before it was asked (it hung up). Idle connections in the
 * pool are closed when the pool is next used after their {@code max_idle}.
 *
 * <p>Each attempt (connect, send, receive) must end within {@code timeout}; a failed attempt is
 * retried on a new connection after {@code retry_delay}, at most {@code try_limit} attempts in all.
 * The warnings are Postfix's: {@code connect to 127.0.0.1:9998: Connection refused}, {@code
 * premature end-of-input on 127.0.0.1:9998 while reading input attribute name}, {@code missing
 * attribute action in input from 127.0.0.1:9998}, {@code problem talking to server
 * 127.0.0.1:9998: Connection refused}.
 *
 * <p>Security: the reply is hostile input. Its lines are bounded ({@link LineChannel#MAX_LINE}
 * bytes, {@value #MAX_REPLY_LINES} lines), the whole exchange by the timeout; attributes other
 * than the first {@code action} are skipped, and a value that is not valid UTF-8 is refused.
 *
 * <p>Failure: {@link Lease#request} returns empty when every attempt failed or the reply was
 * malformed; the caller then applies the service's {@code default_action}. It never throws for
 * what the server does.
 */
public final class PolicyClient {
  /** More reply lines than this is not a policy server talking. */
  static final int MAX_REPLY_LINES = 100;

  /** Opens a connection to the service; tests put in-memory servers here. */
  public interface Connector {
    LineChannel connect(PolicyService service) throws IOException;
  }

  /** Waits between attempts; tests do not wait. */
  public interface Pause {
    void sleep(Duration delay) throws InterruptedException;
  }

  private final PolicyService service;
  private final Connector connector;
  private final Clock clock;
  private final Pause pause;
  private final ReentrantLock lock = new ReentrantLock();
  private final Deque<Connection> idle = new ArrayDeque<>();

  /** One open connection and its age, idle time and request count. */
  private static final class Connection {
    final LineChannel io;
    final Instant opened;
    Instant lastUsed;
    int requests;

    Connection(LineChannel io, Instant now) {
      this.io = io;
      this.opened = now;
      this.lastUsed = now;
    }

    void close() {
      try {
        io.close();
      } catch (IOException e) {
        // The server sees the hang-up either way; nothing else to release.
      }
    }
  }

  public PolicyClient(PolicyService service, Connector connector, Clock clock, Pause pause) {
    this.service = service;
    this.connector = connector;
    this.clock = clock;
    this.pause = pause;
  }

  /** A client that connects over TCP or a UNIX-domain socket and really waits. */
  public static PolicyClient of(PolicyService service) {
    return new PolicyClient(
        service,
        s -> LineChannel.connect("policy server " + s.endpoint(), s.address(), s.timeout()),
        Clock.systemUTC(),
        delay -> Thread.sleep(delay));
  }

  public PolicyService service() {
    return service;
  }

  /** A connection slot for one SMTP session; close it when the session ends. */
  public Lease lease() {
    return new Lease();
  }

  /** One session's use of the service: its requests share a connection while it lasts. */
  public final class Lease implements AutoCloseable {
    private Connection connection;

    private Lease() {}

    /**
     * Sends one request and returns the reply's {@code action}; empty when the service failed
     * {@code try_limit} times or its reply was not valid UTF-8. Warnings go to {@code log}.
     */
    public Optional<String> request(SequencedMap<String, String> attributes, Consumer<String> log)
        throws InterruptedException {
      for (int count = 1; ; count++) {
        Attempt a = attempt(attributes, log);
        if (a.action().isPresent()) {
          return valid(a.action().get(), log);
        }
        recover();
        if (count >= service.tryLimit() || a.noisy()) {
          log.accept("warning: problem talking to server " + service.endpoint() + ": " + a.reason());
        }
        if (count >= service.tryLimit()) {
          return Optional.empty();
        }
        pause.sleep(service.retryDelay());
      }
    }

    private Optional<String> valid(String action, Consumer<String> log) {
      if (action.indexOf('\uFFFD') >= 0) {
        log.accept("warning: malformed UTF-8 in policy server " + service.name() + " response: \""
            + action + "\"");
        return Optional.empty();
      }
      return Optional.of(action);
    }

    /** One try; the reason is errno's text as Postfix's %m would print it. */
    private Attempt attempt(SequencedMap<String, String> attributes, Consumer<String> log) {
      try {
        access(log);
      } catch (IOException e) {
        return Attempt.failed(reason(e), !quietReason(e));
      }
      try {
        long deadline = System.nanoTime() + service.timeout().toNanos();
        for (var e : attributes.entrySet()) {
          connection.io.writeLine(e.getKey() + "=" + clean(e.getValue()), deadline);
        }
        connection.io.writeLine("", deadline);
        Optional<String> action = readReply(deadline, log);
        if (action.isEmpty()) {
          return Attempt.failed("Success", false);
        }
        connection.lastUsed = clock.instant();
        connection.requests++;
        if (service.requestLimit() > 0 && connection.requests >= service.requestLimit()) {
          recover();
        }
        return new Attempt(action, "", false);
      } catch (EOFException e) {
        log.accept("warning: premature end-of-input on " + service.endpoint()
            + " while reading input attribute name");
        return Attempt.failed("Success", false);
      } catch (SocketTimeoutException e) {
        log.accept("warning: timeout on " + service.endpoint() + " while reading input attribute name");
        return Attempt.failed("Connection timed out", true);
      } catch (IOException e) {
        return Attempt.failed(reason(e), !quietReason(e));
      }
    }

    /**
     * Postfix's plain attribute scanner: skips what it does not ask for, takes the first {@code
     * action}, and stops at the empty line. Empty when {@code action} is missing or the reply does
     * not end within {@value #MAX_REPLY_LINES} lines.
     */
    private Optional<String> readReply(long deadline, Consumer<String> log) throws IOException {
      String action = null;
      for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
        String line = connection.io.readLine(deadline);
        if (line.isEmpty()) {
          if (action == null) {
            log.accept("warning: missing attribute action in input from " + service.endpoint());
          }
          return Optional.ofNullable(action);
        }
        int eq = line.indexOf('=');
        if (action == null && eq >= 0 && line.substring(0, eq).equals("action")) {
          action = line.substring(eq + 1);
        }
      }
      log.accept("warning: reply from " + service.endpoint() + " exceeds " + MAX_REPLY_LINES
          + " lines");
      return Optional.empty();
    }

    /**
     * The kept connection, unless too old, idle too long or hung up; else a pooled one; else a new
     * one. Unlike Postfix, a kept connection that the server closed costs no try and no delay.
     */
    private void access(Consumer<String> log) throws IOException {
      Instant now = clock.instant();
      if (connection == null) {
        connection = pooled(now);
      }
      if (connection != null && (expired(connection, now) || connection.io.readable())) {
        recover();
      }
      if (connection == null) {
        try {
          connection = new Connection(connector.connect(service), now);
        } catch (IOException e) {
          log.accept("warning: connect to " + service.endpoint() + ": " + reason(e));
          throw e;
        }
      }
    }

    /** Closes the connection; the next attempt opens a new one. */
    private void recover() {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }

    /** Gives the connection back to the pool for the next session. */
    @Override
    public void close() {
      if (connection == null) {
        return;
      }
      Connection c = connection;
      connection = null;
      lock.lock();
      try {
        idle.push(c);
      } finally {
        lock.unlock();
      }
    }
  }

  /** The outcome of one try. {@code noisy}: Postfix warns even before the last try. */
  private record Attempt(Optional<String> action, String reason, boolean noisy) {
    static Attempt failed(String reason, boolean noisy) {
      return new Attempt(Optional.empty(), reason, noisy);
    }
  }

  /** The most recently pooled unexpired connection; closes the expired ones on the way. */
  private Connection pooled(Instant now) {
    lock.lock();
    try {
      Connection found = null;
      for (var it = idle.iterator(); it.hasNext(); ) {
        Connection c = it.next();
        if (expired(c, now)) {
          it.remove();
          c.close();
        } else if (found == null) {
          it.remove();
          found = c;
        }
      }
      return found;
    } finally {
      lock.unlock();
    }
  }

  private boolean expired(Connection c, Instant now) {
    return !now.isBefore(c.lastUsed.plus(service.maxIdle()))
        || !now.isBefore(c.opened.plus(service.maxTtl()));
  }

  /** Closes every pooled connection (server stop). */
  public void close() {
    lock.lock();
    try {
      idle.forEach(Connection::close);
      idle.clear();
    } finally {
      lock.unlock();
    }
  }

  /** A value must not carry a line end or NUL into the protocol. */
  private static String clean(String value) {
    return value.replace('\n', '?').replace('\r', '?').replace('\0', '?');
  }

  private static String reason(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return "Connection timed out";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Postfix does not warn before the last try for a hang-up, a reset or a missing socket. */
  private static boolean quietReason(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Broken pipe") || m.contains("Connection reset") || m.contains("No such file");
  }
}
