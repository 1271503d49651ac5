package org.postern.master;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.config.ServiceType;
import org.postern.log.ProgramLog;
import org.postern.master.ConfigCheck.ServiceView;

/**
 * The master's table of services, Postfix's master_ent list: which master.cf entries run, with
 * which context, and how a reload changes them ({@link ReloadPlan}). Entries whose command this
 * build lacks are skipped with one warning each, when they first appear.
 *
 * <p>Used from the master's main thread only.
 *
 * <p>Failure: at start-up a service that cannot be created or started is a {@link
 * ServiceException} (the master stops what it started and exits); at reload it is logged and the
 * other services carry on.
 */
final class ServiceTable {
  private record Running(Service service, ServiceContext context) {}

  private final ServiceRegistry registry;
  private final MailLogs logs;
  private final Map<String, Running> running = new LinkedHashMap<>();
  private List<ServiceView> views = List.of();
  /** The configuration being applied; the cleanup entries' log settings come from it. */
  private ConfigCheck applying;

  ServiceTable(ServiceRegistry registry, MailLogs logs) {
    this.registry = registry;
    this.logs = logs;
  }

  /** Services that could not be created or started: one line for each. */
  static final class ServiceException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    ServiceException(String message, Throwable cause) {
      super(message, cause);
      this.problems = List.of(message);
    }

    ServiceException(List<String> problems) {
      super(problems.get(0));
      this.problems = List.copyOf(problems);
    }

    List<String> problems() {
      return problems;
    }
  }

  private record Created(ServiceView view, ServiceContext context, Service service) {}

  /**
   * Starts every available entry of {@code check}; returns the warnings it logged. Every entry is
   * created before any starts, so that a start-up fails with every entry that cannot be made,
   * not one per attempt.
   */
  List<String> start(ConfigCheck check, ProgramLog log)
      throws ServiceException, InterruptedException {
    List<String> warnings = new ArrayList<>();
    applying = check;
    List<String> problems = new ArrayList<>();
    List<Created> created = createAll(check, line -> {
      log.warn(line);
      warnings.add("warning: " + line);
    }, problems);
    if (!problems.isEmpty()) {
      throw new ServiceException(problems);
    }
    for (Created c : created) {
      try {
        c.service().start();
        running.put(c.view().service().name(), new Running(c.service(), c.context()));
      } catch (IOException | RuntimeException e) {
        stopAll(Duration.ZERO, log);
        throw new ServiceException(where(c.view().service()) + "cannot start: " + e.getMessage(), e);
      }
    }
    views = check.services();
    return warnings;
  }

  /**
   * What {@link #start} would meet while making the services of {@code check}, without starting
   * any: the problems, one line each, for {@code postern check}; its warnings go to {@code warn}.
   */
  List<String> audit(ConfigCheck check, Consumer<String> warn) {
    applying = check;
    List<String> problems = new ArrayList<>();
    createAll(check, warn, problems);
    return problems;
  }

  private List<Created> createAll(ConfigCheck check, Consumer<String> warn, List<String> problems) {
    List<Created> created = new ArrayList<>();
    for (ServiceView v : check.services()) {
      MasterService entry = v.service();
      Optional<ServiceFactory> factory = registry.find(entry.command());
      if (factory.isEmpty()) {
        warn.accept(where(entry)
            + "command \"" + entry.command() + "\" is not available in this build; skipped");
        continue;
      }
      try {
        ServiceContext context = context(v, Optional.empty());
        created.add(new Created(v, context, factory.get().create(context)));
      } catch (IOException | RuntimeException e) {
        // A service may meet several problems (qmgr, one per transport): one line each.
        String.valueOf(e.getMessage()).lines()
            .forEach(line -> problems.add(where(entry) + "cannot start: " + line));
      }
    }
    return created;
  }

  /**
   * Applies {@code next}: removed entries stop, changed ones reload (or are replaced), new ones
   * start. Returns the warnings and errors it logged, for the caller of {@code postern reload}.
   */
  List<String> refresh(ConfigCheck next, Duration grace, ProgramLog log)
      throws InterruptedException {
    ReloadPlan plan = ReloadPlan.between(views, next.services());
    List<String> warnings = new ArrayList<>();
    applying = next;
    for (ServiceView v : plan.removed()) {
      Running r = running.remove(v.service().name());
      if (r != null) {
        stop(r, grace, log);
      }
    }
    for (ServiceView v : plan.changed()) {
      change(v, grace, log, warnings);
    }
    for (ServiceView v : plan.added()) {
      tryLaunch(v, log, warnings);
    }
    views = next.services();
    return warnings;
  }

  /** Stops every service at once, each given {@code grace}; waits at most about that long. */
  void stopAll(Duration grace, ProgramLog log) throws InterruptedException {
    Map<String, Thread> stopping = new LinkedHashMap<>();
    for (Running r : running.values()) {
      stopping.put(r.service().name(), Thread.ofVirtual().start(() -> stopInThread(r, grace, log)));
    }
    running.clear();
    long deadline = System.nanoTime() + grace.plusSeconds(1).toNanos();
    for (Map.Entry<String, Thread> t : stopping.entrySet()) {
      long left = Math.max(1, deadline - System.nanoTime());
      if (!t.getValue().join(Duration.ofNanos(left))) {
        log.warn("service " + t.getKey() + ": still busy after " + grace.toSeconds() + "s; abandoned");
      }
    }
  }

  /** The names of the services running now, in master.cf order of their start. */
  List<String> runningNames() {
    return List.copyOf(running.keySet());
  }

  /** Stops one service; a service that fails while stopping is logged, never fatal. */
  private static void stop(Running r, Duration grace, ProgramLog log) throws InterruptedException {
    try {
      r.service().stop(grace);
    } catch (RuntimeException e) {
      log.error("service " + r.service().name() + ": failed while stopping: " + e);
    }
  }

  private static void stopInThread(Running r, Duration grace, ProgramLog log) {
    try {
      stop(r, grace, log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void change(ServiceView v, Duration grace, ProgramLog log, List<String> warnings)
      throws InterruptedException {
    MasterService entry = v.service();
    Running r = running.get(entry.name());
    if (r == null) {
      // Skipped or failed before: try again, but warn about a missing command only once.
      if (registry.find(entry.command()).isPresent() || !sameCommandAsBefore(entry)) {
        tryLaunch(v, log, warnings);
      }
      return;
    }
    if (r.context().entry().command().equals(entry.command())) {
      try {
        ServiceContext next = context(v, Optional.of(r.context()));
        if (r.service().reload(next)) {
          running.put(entry.name(), new Running(r.service(), next));
          return;
        }
      } catch (IOException | RuntimeException e) {
        report(log, warnings, entry, "cannot reload in place: " + e.getMessage() + "; restarting");
      }
    }
    running.remove(entry.name());
    stop(r, grace, log);
    tryLaunch(v, log, warnings);
  }

  /** True when the entry was known before with this command (and so was warned about). */
  private boolean sameCommandAsBefore(MasterService entry) {
    return views.stream()
        .anyMatch(
            v -> v.service().name().equals(entry.name())
                && v.service().command().equals(entry.command()));
  }

  private void tryLaunch(ServiceView v, ProgramLog log, List<String> warnings) {
    try {
      launch(v, log, warnings);
    } catch (ServiceException e) {
      log.error(e.getMessage());
      warnings.add("error: " + e.getMessage());
    }
  }

  private void launch(ServiceView v, ProgramLog log, List<String> warnings)
      throws ServiceException {
    MasterService entry = v.service();
    Optional<ServiceFactory> factory = registry.find(entry.command());
    if (factory.isEmpty()) {
      report(log, warnings, entry,
          "command \"" + entry.command() + "\" is not available in this build; skipped");
      return;
    }
    try {
      ServiceContext context = context(v, Optional.empty());
      Service service = factory.get().create(context);
      service.start();
      running.put(entry.name(), new Running(service, context));
    } catch (IOException | RuntimeException e) {
      throw new ServiceException(where(entry) + "cannot start: " + e.getMessage(), e);
    }
  }

  private static void report(ProgramLog log, List<String> warnings, MasterService entry, String text) {
    String line = where(entry) + text;
    log.warn(line);
    warnings.add("warning: " + line);
  }

  private static String where(MasterService entry) {
    return entry.file() + ", line " + entry.line() + ": service " + entry.name() + ": ";
  }

  /** A context for {@code v}; the process limit carries over when maxproc did not change. */
  private ServiceContext context(ServiceView v, Optional<ServiceContext> before)
      throws IOException {
    int maxproc = v.service().maxproc(v.config().getInt("default_process_limit"));
    int permits = maxproc == 0 ? Integer.MAX_VALUE : maxproc;
    Semaphore limit =
        before
            .filter(b -> b.entry().maxproc(b.config().getInt("default_process_limit")) == maxproc)
            .map(ServiceContext::processLimit)
            .orElseGet(() -> new Semaphore(permits));
    return new ServiceContext(v.service(), v.config(), limit, logs.of(v.config()), unixLogs());
  }

  /**
   * Each unix entry's program log, under that entry's own log settings; cleanup runs in-process
   * even without an entry, and then logs under main.cf's settings.
   */
  private Map<String, ProgramLog> unixLogs() throws IOException {
    Map<String, ProgramLog> byName = new LinkedHashMap<>();
    for (ServiceView u : applying.services()) {
      if (u.service().type() == ServiceType.UNIX) {
        byName.putIfAbsent(u.service().service(), logs.of(u.config()).program(u.service().command()));
      }
    }
    MainConfig main = applying.config();
    byName.putIfAbsent(main.get("cleanup_service_name"), logs.of(main).program("cleanup"));
    return byName;
  }
}
