package org.postern.smtpd;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
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
 * thread, as many at a time as the master.cf entry's {@link SessionLimit} lets in (shared by the
 * entry's listeners; sessions started under stress use the {@code stress=yes} settings); a client
 * past every limit hears {@code 421 4.3.2 All server ports are busy} at once.
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
  private final SmtpdSettings stressed;
  private final SessionLimit limit;
  private final ReentrantLock inFlightLock = new ReentrantLock();
  private final Condition allDone = inFlightLock.newCondition();
  private int inFlight;
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
    this(settings, new Load(SessionLimit.standalone(settings.processLimit(), w -> log.accept("warning: " + w)),
        settings), sink, bindAddress, stopTimeout, clock, log, sessionLogs);
  }

  /**
   * What the master gives each listener of one master.cf entry: the entry's session limit and
   * the settings of sessions that start under stress (main.cf with {@code stress=yes}).
   */
  public record Load(SessionLimit limit, SmtpdSettings stressed) {}

  /** As the seven-argument constructor, with the session limit and stress settings of {@code load}. */
  public Smtpd(
      SmtpdSettings settings,
      Load load,
      MessageSink sink,
      InetSocketAddress bindAddress,
      Duration stopTimeout,
      Clock clock,
      Consumer<String> log,
      Supplier<Consumer<String>> sessionLogs) {
    this.settings = settings;
    this.stressed = load.stressed();
    this.limit = load.limit();
    this.sink = sink;
    this.bindAddress = bindAddress;
    this.stopTimeout = stopTimeout;
    this.clock = clock;
    this.log = log;
    this.sessionLogs = sessionLogs;
    this.anvil = new Anvil(clock, settings.clientLimits().rateTimeUnit());
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
    listener.bind(bindAddress, limit.backlog());
    acceptor = Thread.ofVirtual().name("smtpd-accept").start(this::acceptLoop);
  }

  /**
   * A server that listens on nothing (master.cf {@code smtpd pass}): postscreen hands it the
   * clients that passed ({@link #pass}). Each session is let in under the entry's limit.
   */
  public static Smtpd passOnly(SmtpdSettings settings, Load load, MessageSink sink,
      Duration stopTimeout, Clock clock, Consumer<String> log,
      Supplier<Consumer<String>> sessionLogs) {
    return new Smtpd(settings, load, sink, null, stopTimeout, clock, log, sessionLogs);
  }

  /**
   * Serves {@code client}, which postscreen accepted and screened, in a thread of its own;
   * {@code pending} is input postscreen read but did not use. The session sends its own 220
   * greeting (after postscreen's {@code 220-} teaser it ends a multi-line greeting).
   */
  public void pass(Socket client, byte[] pending) {
    admit(client, pending, UpstreamProxy.NONE);
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

  /**
   * Accepts without waiting for a free session, so that the listen queue never hides a client:
   * each is let in or refused in its own thread.
   */
  private void acceptLoop() {
    while (!stopping) {
      try {
        Socket client = listener.accept();
        admit(client, new byte[0], settings.upstreamProxy());
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

  /**
   * Past the entry's limits: postscreen's answer when every smtpd process is busy, and its log
   * line, rather than silence in the listen queue.
   */
  private void refuseBusy(Socket client) {
    try (client) {
      client.setSoTimeout((int) settings.timeout().toMillis());
      log.accept("NOQUEUE: reject: CONNECT from [" + client.getInetAddress().getHostAddress() + "]:"
          + client.getPort() + ": all server ports busy");
      client.getOutputStream().write("421 4.3.2 All server ports are busy\r\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // The client left first; the reject line says what happened.
    }
  }

  /**
   * Lets {@code client} in under the entry's limit, in a thread of its own, or refuses it;
   * {@code pending} is input read before the session (postscreen's), {@code proxy} how the
   * session learns its endpoints.
   */
  private void admit(Socket client, byte[] pending, UpstreamProxy proxy) {
    Optional<SessionLimit.Admission> admission = limit.admit();
    begin();
    Thread.ofVirtual().name("smtpd-" + client.getPort()).start(() -> {
      try {
        admission.ifPresentOrElse(a -> serve(client, a, pending, proxy), () -> refuseBusy(client));
      } finally {
        admission.ifPresent(limit::release);
        end();
      }
    });
  }

  private void serve(Socket client, SessionLimit.Admission admission, byte[] pending,
      UpstreamProxy proxy) {
    SmtpdSettings settings = admission.stressed() ? stressed : this.settings;
    SmtpdSession session = null;
    try {
      // Replies are already written one flush at a time; Nagle would only hold back the second
      // TLS handshake record until the client's delayed ACK (40 ms per STARTTLS).
      client.setTcpNoDelay(true);
      Consumer<String> sessionLog = sessionLogs.get();
      session =
          new SmtpdSession(
              settings,
              tlsContext,
              sink,
              new SmtpdSession.Services(clock, sessionLog, anvil),
              client,
              pending,
              proxy.endpoints(client, sessionLog),
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
    }
  }

  private void begin() {
    inFlightLock.lock();
    try {
      inFlight++;
    } finally {
      inFlightLock.unlock();
    }
  }

  private void end() {
    inFlightLock.lock();
    try {
      if (--inFlight == 0) {
        allDone.signalAll();
      }
    } finally {
      inFlightLock.unlock();
    }
  }

  /** Waits until this listener's sessions are over; false when {@code timeout} passed first. */
  private boolean awaitSessions(Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    inFlightLock.lock();
    try {
      while (inFlight > 0) {
        if (left <= 0) {
          return false;
        }
        left = allDone.awaitNanos(left);
      }
      return true;
    } finally {
      inFlightLock.unlock();
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
    if (!awaitSessions(stopTimeout)) {
      log.accept("warning: stop: " + sessions.size() + " sessions still busy after "
          + stopTimeout.toSeconds() + "s; closing them");
      sessions.forEach(SmtpdSession::forceClose);
    }
    settings.access().closePolicyConnections();
    if (stressed != settings) {
      stressed.access().closePolicyConnections();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // The connection is gone either way.
    }
  }
}
