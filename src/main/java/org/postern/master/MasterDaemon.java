package org.postern.master;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.log.ProgramLog;
import org.postern.metrics.MetricsEndpoint;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.table.db.DbPools;
import org.postern.tls.TlsCryptoProvider;

/**
 * master(8) at run time: holds the pid file, answers the control socket, runs the services of
 * master.cf, and on request or signal reloads or stops them. Stop and reload requests, from the
 * control socket or from signals (SIGTERM, SIGINT stop; SIGHUP reloads, as in Postfix), are
 * queued and carried out one at a time on the thread that called {@link #run}.
 *
 * <p>A reload re-reads main.cf and master.cf; when they do not pass the check, the master keeps
 * running with what it has and tells the caller why. A stop closes the control socket, lets every
 * service finish work in flight for up to the grace period, removes the pid file and returns.
 * The metrics endpoint ({@code postern_metrics_listen}) opens after the services, follows each
 * reload and closes at stop.
 * Under systemd each of these steps is also told to systemd ({@link Systemd}).
 *
 * <p>Failure: {@link #run} returns 1 after a fatal error (the log cannot be opened, another master
 * holds the pid file, the control socket, a service or the metrics endpoint cannot start), logged
 * as {@code fatal:} and, when the log is not standard output, also printed on standard error for
 * {@code postern start}. A metrics endpoint that cannot move at reload is a warning.
 */
public final class MasterDaemon {
  /** How long a stop waits for work in flight: less than {@code postern stop} waits. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private sealed interface Request permits Stop, Reload {}

  private record Stop(String reason) implements Request {}

  private record Reload(CompletableFuture<ControlReply> reply) implements Request {}

  private final Path configDirectory;
  private final boolean standardOutput;
  private final Duration grace;
  private final PrintStream stderr;
  private final MailLogs logs;
  private final ServiceTable table;
  private final MetricsEndpoint metrics = new MetricsEndpoint();
  private final Systemd systemd;
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private ProgramLog log;
  private String syslogName;

  /**
   * @param standardOutput log to standard output ({@code start-fg}) instead of {@code
   *     maillog_file} or syslog ({@code start})
   * @param systemd told when the master is ready, reloads and stops
   */
  public MasterDaemon(Path configDirectory, ServiceRegistry registry, boolean standardOutput,
      Duration grace, PrintStream stderr, Systemd systemd) {
    this.configDirectory = configDirectory;
    this.systemd = systemd;
    this.standardOutput = standardOutput;
    this.grace = grace;
    this.stderr = stderr;
    this.logs = new MailLogs(standardOutput);
    this.table = new ServiceTable(registry, logs);
  }

  /** Runs the mail system of {@code check} until stopped; returns the exit status. */
  @SuppressWarnings("try") // the pid file is held, not used, while the master runs
  public int run(ConfigCheck check) throws InterruptedException {
    try {
      openLog(check.config());
    } catch (IOException | IllegalArgumentException e) {
      stderr.println(check.config().get("syslog_name") + "/master: fatal: " + e.getMessage());
      return 1;
    }
    MasterPaths paths = MasterPaths.of(check.config());
    try (PidFile pid = PidFile.acquire(paths.pidFile(), ProcessHandle.current().pid())) {
      return runHolding(check, paths);
    } catch (PidFile.AlreadyRunningException e) {
      return fatal("the Postern mail system is already running");
    } catch (IOException e) {
      return fatal(e.getMessage());
    } finally {
      finished.countDown();
    }
  }

  private int runHolding(ConfigCheck check, MasterPaths paths) throws InterruptedException {
    try {
      Queues queues = Queues.at(paths.queueDirectory());
      queues.createDirectories();
      // A queue made before maildrop was world-writable: local users could not submit.
      queues.fixModes().forEach(w -> log.info("set mode " + QueueName.octal(w.queue().mode())
          + " on " + w.directory() + " (was " + QueueName.octal(w.actual()) + ")"));
    } catch (IOException e) {
      return fatal("queue_directory " + paths.queueDirectory() + ": cannot create: " + e);
    }
    // Signals from here on are queued; before, the JVM's defaults end the process.
    Signals.install(this::requestStop, this::requestReload, log);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> awaitStop("terminating on shutdown"), "postern master shutdown"));
    log.info("daemon started -- version " + check.config().get("mail_version")
        + ", configuration " + configDirectory);
    String provider = check.config().get("postern_tls_provider");
    Optional<TlsCryptoProvider> crypto = TlsCryptoProvider.named(provider);
    if (crypto.isEmpty()) {
      return fatal("unknown postern_tls_provider value: \"" + provider
          + "\" (boringssl, accp or jdk)");
    }
    // Once per JVM: a reload keeps what the start chose.
    crypto.get().install().ifPresent(why -> log.warn("postern_tls_provider = "
        + provider + ": " + why));
    try {
      table.start(check, log);
    } catch (ServiceTable.ServiceException e) {
      e.problems().forEach(this::fatal);
      return 1;
    }
    try {
      metrics.apply(check.config()).ifPresent(log::info);
    } catch (IOException | IllegalArgumentException e) {
      table.stopAll(grace, log);
      return fatal(e.getMessage());
    }
    // The control socket opens only now: "postern start" waits for its first answer, so it
    // reports success only once every service runs, and a start-up failure as a failure.
    ControlSocket control;
    try {
      control = ControlSocket.open(paths.controlSocket(), this::answer);
    } catch (IOException e) {
      metrics.close();
      table.stopAll(grace, log);
      return fatal(e.getMessage());
    }
    systemd.ready(log, "daemon started -- version " + check.config().get("mail_version"));
    try {
      String reason = serve();
      log.info(reason);
      closeControl(control); // stop accepting requests before the services drain
      table.stopAll(grace, log);
      DbPools.closeAll();
      return 0;
    } finally {
      metrics.close();
      closeControl(control);
    }
  }

  private void closeControl(ControlSocket control) {
    try {
      control.close();
    } catch (IOException e) {
      log.warn(e.getMessage());
    }
  }

  /** Carries out reload requests until a stop request arrives; returns why it stopped. */
  private String serve() throws InterruptedException {
    while (true) {
      switch (requests.take()) {
        case Stop s -> {
          systemd.stopping(log);
          refusePending();
          return s.reason();
        }
        case Reload r -> {
          systemd.reloading(log);
          ControlReply reply = reload();
          r.reply().complete(reply);
          systemd.ready(log, reply.ok() ? "reloaded"
              : "reload failed, still running with the previous configuration");
        }
      }
    }
  }

  private ControlReply reload() throws InterruptedException {
    ConfigCheck next;
    try {
      next = ConfigCheck.run(configDirectory);
      openLog(next.config());
    } catch (ConfigException | IOException | IllegalArgumentException e) {
      log.warn("reload failed, still running with the previous configuration: " + e.getMessage());
      return ControlReply.error(e.getMessage());
    }
    log.info("reload -- version " + next.config().get("mail_version")
        + ", configuration " + configDirectory);
    List<String> messages = new ArrayList<>();
    next.warnings().forEach(w -> messages.add("warning: " + w));
    messages.addAll(table.refresh(next, grace, log));
    // Database tables reconnect from their configuration files as they are now.
    DbPools.closeAll();
    try {
      metrics.apply(next.config()).ifPresent(log::info);
    } catch (IOException | IllegalArgumentException e) {
      log.warn(e.getMessage());
      messages.add("warning: " + e.getMessage());
    }
    return ControlReply.ok("", messages);
  }

  private ControlReply answer(String request) throws InterruptedException {
    switch (request) {
      case "status" -> {
        return ControlReply.ok(Long.toString(ProcessHandle.current().pid()), List.of());
      }
      case "stop" -> {
        requestStop("stopping on request");
        return ControlReply.ok("", List.of());
      }
      case "reload" -> {
        CompletableFuture<ControlReply> reply = new CompletableFuture<>();
        requests.add(new Reload(reply));
        try {
          return reply.get();
        } catch (ExecutionException e) {
          return ControlReply.error("reload: " + e.getCause());
        }
      }
      default -> {
        return ControlReply.error("unknown request: \"" + request + "\"");
      }
    }
  }

  private void requestStop(String reason) {
    requests.add(new Stop(reason));
  }

  private void requestReload() {
    requests.add(new Reload(new CompletableFuture<>()));
  }

  /** A JVM shutdown not caused by a handled signal: stop as gracefully as time allows. */
  private void awaitStop(String reason) {
    if (finished.getCount() == 0) {
      return;
    }
    requestStop(reason);
    try {
      finished.await(grace.toSeconds() + 5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void refusePending() {
    for (Request r = requests.poll(); r != null; r = requests.poll()) {
      if (r instanceof Reload reload) {
        reload.reply().complete(ControlReply.error("the master is stopping"));
      }
    }
  }

  private void openLog(MainConfig config) throws IOException {
    ProgramLog next = logs.of(config).program("master");
    log = next;
    syslogName = config.get("syslog_name");
  }

  private int fatal(String text) {
    log.fatal(text);
    if (!standardOutput) {
      stderr.println(syslogName + "/master: fatal: " + text);
      stderr.flush();
    }
    return 1;
  }
}
