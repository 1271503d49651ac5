package org.postern.smtpd;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.postern.tls.ClientCertificates;
import org.postern.tls.PemKeyMaterial;
import org.postern.tls.ServerTlsContext;
import org.postern.tls.ServerTlsContexts;
import org.postern.tls.TlsConfigException;

/**
 * The SMTP server: accepts connections on one listening address and runs each in its own virtual
 * thread, at most {@code maxproc} at a time (a {@link Semaphore}; a connection beyond the limit
 * waits in the accept backlog, as with Postfix's process limit).
 *
 * <p>Lifecycle in Jetty's style: {@link #start()} binds and loads TLS keys, {@link #stop()} stops
 * accepting, answers {@code 421 4.3.2 Service shutting down} to sessions waiting for a command
 * and to the next command of busy ones, waits for sessions in flight up to the stop timeout, and
 * then closes what is left.
 *
 * <p>Each client address is limited as Postfix's anvil(8) limits it ({@code
 * smtpd_client_connection_count_limit}, {@code smtpd_client_connection_rate_limit}); the counters
 * live in this server, using its clock.
 *
 * <p>Every log line of the server and its sessions, in Postfix's shape ({@code connect from},
 * {@code disconnect from} with command counters, {@code NOQUEUE: reject: ...}, {@code warning:
 * ...}), goes to a log hook given to the constructor: the server's own lines to one, each
 * session's to one of its own when a session log supplier is given; the five-argument constructor
 * sends them to the JDK system logger.
 *
 * <p>Failure: bad TLS key files fail {@link #start()} with {@link TlsConfigException}, a busy port
 * with {@link IOException}; errors in one session never affect another.
 */
public final class Smtpd {
  private static final System.Logger LOG = System.getLogger("org.postern.smtpd");

  private final SmtpdSettings settings;
  private final MessageSink sink;
  private final InetSocketAddress bindAddress;
  private final Duration stopTimeout;
  private final Clock clock;
  private final Consumer<String> log;
  private final Supplier<Consumer<String>> sessionLogs;
  private final Anvil anvil;
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final Set<SmtpdSession> sessions = ConcurrentHashMap.newKeySet();
  private final Semaphore maxproc;
  private volatile boolean stopping;
  private ServerSocket listener;
  private Thread acceptor;
  private boolean started;
  private Optional<ServerTlsContext> tlsContext = Optional.empty();

  public Smtpd(
      SmtpdSettings settings,
      MessageSink sink,
      InetSocketAddress bindAddress,
      Duration stopTimeout,
      Clock clock) {
    this(settings, sink, bindAddress, stopTimeout, clock, Smtpd::systemLog);
  }

  /**
   * As the five-argument constructor, with {@code log} receiving every Postfix-shaped log line
   * ({@code connect from ...}, {@code NOQUEUE: reject: ...}, {@code warning: ...}) without the
   * program prefix.
   */
  public Smtpd(
      SmtpdSettings settings,
      MessageSink sink,
      InetSocketAddress bindAddress,
      Duration stopTimeout,
      Clock clock,
      Consumer<String> log) {
    this(settings, sink, bindAddress, stopTimeout, clock, log, () -> log);
  }

  /**
   * As the six-argument constructor, with each session's lines going to a log hook of its own
   * from {@code sessionLogs}: the log of one smtpd "process", so that concurrent sessions carry
   * different numbers in {@code smtpd[N]}.
   */
  public Smtpd(
      SmtpdSettings settings,
      MessageSink sink,
      InetSocketAddress bindAddress,
      Duration stopTimeout,
      Clock clock,
      Consumer<String> log,
      Supplier<Consumer<String>> sessionLogs) {
    this.settings = settings;
    this.sink = sink;
    this.bindAddress = bindAddress;
    this.stopTimeout = stopTimeout;
    this.clock = clock;
    this.log = log;
    this.sessionLogs = sessionLogs;
    this.anvil = new Anvil(clock, settings.clientLimits().rateTimeUnit());
    this.maxproc = new Semaphore(settings.processLimit());
  }

  private static void systemLog(String line) {
    LOG.log(line.startsWith("warning: ") ? Level.WARNING : Level.INFO, line);
  }

  public void start() throws IOException, TlsConfigException {
    lifecycle.lock();
    try {
      if (started) {
        throw new IllegalStateException("smtpd already started");
      }
      doStart();
      started = true;
    } finally {
      lifecycle.unlock();
    }
  }

  private void doStart() throws IOException, TlsConfigException {
    tlsContext = loadTls();
    SaslSettings sasl = settings.sasl();
    if (sasl.enabled() && !sasl.active()) {
      // Postfix exits here; Postern serves on without AUTH, which the warning says.
      log.accept("warning: unsupported SASL server implementation: " + sasl.type()
          + " (smtpd_sasl_type: Postern implements only \"" + SaslSettings.DOVECOT + "\"; AUTH is not offered)");
    }
    stopping = false;
    if (bindAddress == null) {
      return;
    }
    listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(bindAddress);
    acceptor = Thread.ofVirtual().name("smtpd-accept").start(this::acceptLoop);
  }

  /**
   * A server that listens on nothing (master.cf {@code smtpd pass}): postscreen hands it the
   * clients that passed ({@link #pass}). Each session still takes a permit of the process limit.
   */
  public static Smtpd passOnly(SmtpdSettings settings, MessageSink sink, Duration stopTimeout,
      Clock clock, Consumer<String> log, Supplier<Consumer<String>> sessionLogs) {
    return new Smtpd(settings, sink, null, stopTimeout, clock, log, sessionLogs);
  }

  /**
   * Serves {@code client}, which postscreen accepted and screened, in a thread of its own;
   * {@code pending} is input postscreen read but did not use. The session sends its own 220
   * greeting (after postscreen's {@code 220-} teaser it ends a multi-line greeting).
   */
  public void pass(Socket client, byte[] pending) {
    Thread.ofVirtual().name("smtpd-" + client.getPort()).start(() -> {
      try {
        maxproc.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly(client);
        return;
      }
      serve(client, pending);
    });
  }

  private Optional<ServerTlsContext> loadTls() throws TlsConfigException {
    boolean wanted = settings.tlsLevel().offered() || settings.tlsWrappermode();
    if (!wanted) {
      return Optional.empty();
    }
    if (!settings.hasTlsKeys()) {
      // Postfix: STARTTLS is then answered 454, wrapper-mode connections are dropped.
      log.accept("warning: No server certs available. TLS won't be enabled");
      return Optional.empty();
    }
    PemKeyMaterial keys =
        settings.tlsChainFiles().isEmpty()
            ? PemKeyMaterial.load(settings.tlsCertFile(), settings.tlsKeyFile())
            : PemKeyMaterial.loadChainFiles(settings.tlsChainFiles());
    SmtpdSettings.ClientCerts certs = settings.clientCerts();
    if (certs.require() && !certs.required(settings.tlsLevel())) {
      log.accept("warning: Can't require client certs unless TLS is required");
    }
    Optional<ClientCertificates> clients = certs.asked(settings.tlsLevel())
        ? Optional.of(ClientCertificates.create(certs.caFile(), certs.caPath(), certs.digest()))
        : Optional.empty();
    return Optional.of(ServerTlsContexts.create(keys, settings.tlsParameters().orElseThrow(),
        clients));
  }

  /** The bound address; useful when started on port 0. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!stopping) {
      try {
        maxproc.acquire();
        Socket client;
        try {
          client = listener.accept();
        } catch (IOException e) {
          maxproc.release();
          throw e;
        }
        Thread.ofVirtual().name("smtpd-" + client.getPort()).start(() -> serve(client, new byte[0]));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SocketException e) {
        if (!stopping) {
          log.accept("fatal: accept connection: " + e.getMessage());
        }
        return;
      } catch (IOException e) {
        log.accept("warning: accept connection: " + e.getMessage());
      }
    }
  }

  private void serve(Socket client, byte[] pending) {
    SmtpdSession session = null;
    try {
      // Replies are already written one flush at a time; Nagle would only hold back the second
      // TLS handshake record until the client's delayed ACK (40 ms per STARTTLS).
      client.setTcpNoDelay(true);
      session =
          new SmtpdSession(
              settings,
              tlsContext,
              sink,
              new SmtpdSession.Services(clock, sessionLogs.get(), anvil),
              client,
              pending,
              () -> stopping);
      sessions.add(session);
      session.run();
    } catch (IOException e) {
      log.accept("warning: cannot set up session for " + client.getRemoteSocketAddress() + ": " + e.getMessage());
      closeQuietly(client);
    } finally {
      if (session != null) {
        sessions.remove(session);
      }
      maxproc.release();
    }
  }

  public void stop() throws InterruptedException {
    lifecycle.lock();
    try {
      if (started) {
        doStop();
        listener = null;
        started = false;
      }
    } finally {
      lifecycle.unlock();
    }
  }

  private void doStop() throws InterruptedException {
    stopping = true;
    if (listener != null) {
      try {
        listener.close();
      } catch (IOException e) {
        log.accept("warning: close listener " + bindAddress + ": " + e.getMessage());
      }
      acceptor.join(stopTimeout.toMillis());
    }
    sessions.forEach(SmtpdSession::closeIfIdle);
    int permits = settings.processLimit();
    if (maxproc.tryAcquire(permits, stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      maxproc.release(permits);
    } else {
      log.accept("warning: stop: " + sessions.size() + " sessions still busy after "
          + stopTimeout.toSeconds() + "s; closing them");
      sessions.forEach(SmtpdSession::forceClose);
    }
    settings.access().closePolicyConnections();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // The connection is gone either way.
    }
  }
}
