package org.postern.cli;

import java.util.List;
import java.util.Optional;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.master.ConfigCheck;
import org.postern.master.MasterDaemon;
import org.postern.master.ServiceRegistry;
import org.postern.master.Systemd;
import org.postern.util.Getopt;

/**
 * {@code postern start-fg [-c dir]}: Postfix's {@code postfix start-fg}, the master in the
 * foreground, for a container or a supervisor such as systemd. It checks the configuration, then
 * runs the mail system until SIGTERM, SIGINT or {@code postern stop}.
 *
 * <p>The log goes to standard output, whatever {@code maillog_file} says: running in the
 * foreground is asking to watch it (Postfix's container recipe sets {@code maillog_file =
 * /dev/stdout} for the same effect). {@code -b} is how {@code postern start} runs the master in
 * the background: the log then goes to {@code maillog_file}, or to syslog when that is empty.
 * The same holds when systemd runs it as a service ({@link Systemd#runsService}): syslog is then
 * the journal, and every line keeps its {@code postern/smtpd[N]} tag, which lines the journal
 * read from standard output would lose.
 *
 * <p>Failure: a bad configuration prints {@code file, line N: ...} and exits with EX_CONFIG;
 * another fatal start-up error (a master already running, Postfix's queue files in the queue
 * directory) exits with 1.
 */
final class StartForeground {
  private StartForeground() {}

  static int run(List<String> args) throws InterruptedException {
    Getopt g;
    try {
      g = Getopt.parse(args, "bc:v");
    } catch (Getopt.UsageException e) {
      System.err.println("postern: " + e.getMessage());
      System.err.println("usage: postern start-fg [-c config_dir] [-v]");
      return Sysexits.EX_USAGE;
    }
    ConfigCheck check;
    try {
      check = ConfigCheck.run(ConfigDirectory.resolve(g.value('c')));
    } catch (ConfigException e) {
      PostfixScript.printEveryProblem(ConfigDirectory.resolve(g.value('c')), System.err);
      return Sysexits.EX_CONFIG;
    }
    check.warnings().forEach(w -> System.err.println("postern: warning: " + w));
    Optional<String> postfixQueue = StartPreparation.postfixQueue(check.config());
    if (postfixQueue.isPresent()) {
      System.err.println("postern: fatal: " + postfixQueue.get());
      return 1;
    }
    StartPreparation.run(check.config());
    Systemd systemd = Systemd.fromEnvironment();
    MasterDaemon master =
        new MasterDaemon(check.config().configDirectory(), ServiceRegistry.standard(),
            !g.has('b') && !systemd.runsService(), MasterDaemon.STOP_GRACE, System.err, systemd);
    return master.run(check);
  }
}
