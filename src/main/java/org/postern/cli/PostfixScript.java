package org.postern.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.log.ProgramLog;
import org.postern.master.ConfigCheck;
import org.postern.master.ServiceRegistry;
import org.postern.pipe.PipeAgent;
import org.postern.master.ControlClient;
import org.postern.master.ControlReply;
import org.postern.master.MasterPaths;
import org.postern.master.PidFile;
import org.postern.queue.Queues;
import org.postern.util.Getopt;

/**
 * {@code postern check|status|stop|reload}, the control commands that Postfix's postfix(1) hands
 * to postfix-script. Each reads the configuration first (as {@code postfix check} would), finds
 * the master by its pid file and talks to it over its control socket. Messages are printed on
 * standard error as {@code syslog_name/postfix-script: text} and also logged, as Postfix's are.
 *
 * <p>Failure: a bad configuration exits with EX_CONFIG naming file, line and parameter (a running
 * master keeps its configuration); "not running" and a refused request exit with status 1.
 */
final class PostfixScript {
  static final String NAME = "the Postern mail system";
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);
  private static final Duration RELOAD_WAIT = Duration.ofSeconds(120);

  private final PrintStream err;
  private final ConfigCheck check;
  private final MasterPaths paths;
  private final String tag;
  private final Optional<ProgramLog> log;

  private PostfixScript(PrintStream err, ConfigCheck check) {
    this.err = err;
    this.check = check;
    this.paths = MasterPaths.of(check.config());
    this.tag = check.config().get("syslog_name") + "/postfix-script";
    this.log = CommandLog.open(check.config(), "postfix-script");
  }

  /** Parses {@code -c} and {@code -v}, checks the configuration; empty after printing why not. */
  static Optional<PostfixScript> load(String command, List<String> args, PrintStream err) {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:v");
    } catch (Getopt.UsageException e) {
      err.println("postern: " + e.getMessage());
      err.println("usage: postern " + command + " [-c config_dir] [-v]");
      return Optional.empty();
    }
    Path dir = ConfigDirectory.resolve(g.value('c'));
    try {
      ConfigCheck check = ConfigCheck.run(dir);
      check.warnings().forEach(w -> err.println("postern: warning: " + w));
      if (command.equals("start")) {
        StartPreparation.logDirectory(check.config()); // so "starting ..." is logged too
      }
      return Optional.of(new PostfixScript(err, check));
    } catch (ConfigException e) {
      printEveryProblem(dir, err);
      return Optional.empty();
    }
  }

  /** A configuration that fails: everything wrong with it at once, not one error per attempt. */
  static void printEveryProblem(Path dir, PrintStream err) {
    List<String> problems;
    try {
      problems = ConfigCheck.problems(dir, ServiceRegistry.standard(),
          w -> err.println("postern: warning: " + w));
    } catch (ConfigException e) {
      problems = e.problems();
    }
    problems.forEach(line -> err.println("postern: fatal: " + line));
  }

  /**
   * {@code postern check}: every problem that a start would meet, in one run: the values, the
   * queue's modes, and making each service (tables, key files, delivery agents) without starting
   * it. The alias database is brought up to date first, as start does.
   */
  static int check(List<String> args) throws IOException, InterruptedException {
    Optional<PostfixScript> s = load("check", args, System.err);
    if (s.isEmpty()) {
      return Sysexits.EX_CONFIG;
    }
    ConfigCheck c = s.get().check;
    s.get().checkQueueModes();
    StartPreparation.run(c.config());
    List<String> problems = new ArrayList<>();
    StartPreparation.postfixQueue(c.config()).ifPresent(problems::add);
    s.get().unknownPipeUsers();
    problems.addAll(c.startProblems(ServiceRegistry.standard(), s.get()::warn));
    if (!problems.isEmpty()) {
      problems.forEach(line -> System.err.println("postern: fatal: " + line));
      return Sysexits.EX_CONFIG;
    }
    System.out.println("postern: configuration " + c.config().configDirectory() + " is valid: "
        + c.services().size() + " master.cf services checked");
    return Sysexits.EX_OK;
  }

  /** Warns about pipe entries whose {@code user=} has no account: their mail will be deferred. */
  private void unknownPipeUsers() throws IOException, InterruptedException {
    for (ConfigCheck.ServiceView v : check.services()) {
      if (v.service().command().equals("pipe")) {
        PipeAgent.unknownAccount(v.service(), v.config()).ifPresent(this::warn);
      }
    }
  }

  /**
   * Warns about queue directories whose mode keeps local users from submitting mail or opens
   * the queue to them, as postfix check warns about queue permissions; the master fixes them
   * when it starts.
   */
  private void checkQueueModes() {
    Queues queues = Queues.at(check.config().getPath("queue_directory"));
    try {
      queues.wrongModes().forEach(w -> warn(w.toString()));
      if (Files.isDirectory(queues.root()) && !Files.getPosixFilePermissions(queues.root())
          .contains(PosixFilePermission.OTHERS_EXECUTE)) {
        warn(queues.root() + ": not searchable by other users: they cannot submit mail");
      }
    } catch (IOException e) {
      warn("queue_directory " + queues.root() + ": " + e.getMessage());
    }
  }

  static int status(List<String> args) throws IOException {
    Optional<PostfixScript> s = load("status", args, System.err);
    return s.isEmpty() ? Sysexits.EX_CONFIG : s.get().status();
  }

  static int stop(List<String> args) throws IOException, InterruptedException {
    Optional<PostfixScript> s = load("stop", args, System.err);
    return s.isEmpty() ? Sysexits.EX_CONFIG : s.get().stop();
  }

  static int reload(List<String> args) throws IOException {
    Optional<PostfixScript> s = load("reload", args, System.err);
    return s.isEmpty() ? Sysexits.EX_CONFIG : s.get().reload();
  }

  ConfigCheck configCheck() {
    return check;
  }

  MasterPaths paths() {
    return paths;
  }

  /** The pid of the running master, if one runs. */
  OptionalLong runningPid() throws IOException {
    return PidFile.runningPid(paths.pidFile());
  }

  ControlClient control() {
    return new ControlClient(paths.controlSocket());
  }

  int status() throws IOException {
    OptionalLong pid = runningPid();
    if (pid.isEmpty()) {
      say(NAME + " is not running");
      return 1;
    }
    say(NAME + " is running: PID: " + pid.getAsLong());
    return 0;
  }

  int stop() throws IOException, InterruptedException {
    OptionalLong pid = runningPid();
    if (pid.isEmpty()) {
      return fatal(NAME + " is not running");
    }
    say("stopping " + NAME);
    try {
      ControlReply reply = control().request("stop", Duration.ofSeconds(10));
      if (!reply.ok()) {
        return fatal("stop refused: " + reply.text());
      }
    } catch (IOException e) {
      warn(e.getMessage() + "; sending SIGTERM to process " + pid.getAsLong());
      ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
    }
    long deadline = System.nanoTime() + STOP_WAIT.toNanos();
    while (ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        return fatal(NAME + " did not stop within " + STOP_WAIT.toSeconds() + " seconds");
      }
      Thread.sleep(100);
    }
    return 0;
  }

  int reload() throws IOException {
    if (runningPid().isEmpty()) {
      return fatal(NAME + " is not running");
    }
    say("refreshing " + NAME);
    ControlReply reply;
    try {
      reply = control().request("reload", RELOAD_WAIT);
    } catch (IOException e) {
      return fatal(e.getMessage());
    }
    reply.messages().forEach(m -> err.println(tag + ": " + m));
    if (!reply.ok()) {
      return fatal("reload failed, the master keeps its configuration: " + reply.text());
    }
    return 0;
  }

  void say(String text) {
    err.println(tag + ": " + text);
    err.flush();
    log.ifPresent(l -> l.info(text));
  }

  void warn(String text) {
    err.println(tag + ": warning: " + text);
    log.ifPresent(l -> l.warn(text));
  }

  int fatal(String text) {
    err.println(tag + ": fatal: " + text);
    log.ifPresent(l -> l.fatal(text));
    return 1;
  }
}
