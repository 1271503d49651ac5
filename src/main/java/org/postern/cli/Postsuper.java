package org.postern.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postern.config.ConfigDirectory;
import org.postern.config.MainConfig;
import org.postern.log.ProgramLog;
import org.postern.queue.QueueId;
import org.postern.queue.QueueMaintenance;
import org.postern.queue.QueueName;
import org.postern.pickup.PickupTrigger;
import org.postern.queue.Queues;
import org.postern.queue.StructureCheck;
import org.postern.util.Getopt;

/**
 * postsuper(1): queue maintenance as Postfix's postsuper does it. {@code -d} delete, {@code -h}
 * hold, {@code -H} release, {@code -r} requeue (to maildrop, so that pickup and cleanup process the
 * message again, keeping its marks; pickup is woken), each with a queue id, {@code ALL}, or {@code -} for ids on
 * stdin; {@code -s} structure check, {@code -p} purge of old temporary files (both by default);
 * queue names as operands narrow the queues. Reports go to stderr ({@code postsuper: ID:
 * removed}, {@code postsuper: Deleted: 2 messages}) and, as Postfix logs them, to the mail log
 * ({@code postern/postsuper[PID]: Deleted: 2 messages}, see CommandLog).
 *
 * <p>Failure: a bad flag, a relative {@code -c} or an unknown queue name is fatal (exit 1) before
 * anything changes; an invalid queue id is a warning and is skipped.
 */
final class Postsuper {
  private static final String USAGE =
      "usage: postsuper [-c config_dir] [-d queue_id (delete)] [-h queue_id (hold)]"
          + " [-H queue_id (un-hold)] [-p (purge temporary files)] [-r queue_id (requeue)]"
          + " [-s (structure fix)] [-v (verbose)] [queue...]";
  private static final List<QueueName> DEFAULT_QUEUES =
      List.of(QueueName.DEFER, QueueName.BOUNCE, QueueName.MAILDROP, QueueName.INCOMING,
          QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD);
  private static final List<QueueName> DEFAULT_HOLD_QUEUES =
      List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED);
  private static final List<QueueName> DEFAULT_RELEASE_QUEUES = List.of(QueueName.HOLD);

  /** One by-id operation of QueueMaintenance. */
  @FunctionalInterface
  private interface ByIdOperation {
    boolean apply(QueueId id, List<QueueName> queues) throws IOException;
  }

  private final PrintStream err;
  private final BufferedReader in;
  private Optional<ProgramLog> log = Optional.empty();

  Postsuper(PrintStream err, InputStream in) {
    this.err = err;
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  static int run(List<String> args) throws Exception {
    return new Postsuper(System.err, System.in).main(args);
  }

  int main(List<String> args) throws Exception {
    Getopt opts;
    try {
      opts = Getopt.parse(args, "c:d:h:H:pr:sv");
    } catch (Getopt.UsageException e) {
      err.println("postsuper: " + e.getMessage());
      return fatal(USAGE);
    }
    String configDir = opts.value('c');
    if (configDir != null && !configDir.startsWith("/")) {
      return fatal("-c requires absolute pathname");
    }
    List<QueueName> operands = new ArrayList<>();
    for (String name : opts.operands()) {
      Optional<QueueName> q = QueueName.byName(name);
      if (q.isEmpty() || !(q.get().holdsMessages() || q.get().holdsLogs())) {
        return fatal("invalid directory name: " + name);
      }
      operands.add(q.get());
    }
    MainConfig config = MainConfig.load(ConfigDirectory.resolve(configDir));
    log = CommandLog.open(config, "postsuper");
    Queues queues = Queues.at(config.getPath("queue_directory"));
    Actions a = new Actions(opts);
    for (char flag : new char[] {'d', 'r', 'h', 'H'}) {
      if (a.all(flag) && a.ids(flag).stream().anyMatch(id -> !id.equals("ALL"))) {
        warn("option \"-" + flag + " ALL\" will ignore other command line queue IDs");
      }
    }
    QueueMaintenance m = new QueueMaintenance(queues, this::info, this::warn);
    int status = new Run(m, a, operands).execute();
    if (status == 0 && !a.ids('r').isEmpty()) {
      // Postfix leaves requeued mail to pickup's next scan; waking it costs one byte and an
      // operator who requeues wants the mail moving now.
      PickupTrigger.wake(queues);
    }
    return status;
  }

  /** The flags of one command line. */
  private record Actions(Getopt opts) {
    List<String> ids(char flag) {
      return opts.options().stream().filter(o -> o.flag() == flag).map(Getopt.Option::argument)
          .toList();
    }

    boolean all(char flag) {
      return ids(flag).contains("ALL");
    }

    boolean byId(char flag) {
      return !all(flag) && !ids(flag).isEmpty();
    }

    boolean structure() {
      return opts.has('s') || nothing();
    }

    boolean purge() {
      return opts.has('p') || nothing();
    }

    boolean nothing() {
      return !opts.has('s') && !opts.has('p') && ids('d').isEmpty() && ids('h').isEmpty()
          && ids('H').isEmpty() && ids('r').isEmpty();
    }

    boolean onlyAll(char flag) {
      return all(flag) && !opts.has('s') && !opts.has('p')
          && "dhHr".chars().filter(c -> c != flag).allMatch(c -> ids((char) c).isEmpty());
    }
  }

  /** One execution: mass operations first, then by-id ones, then the summary. */
  private final class Run {
    private final QueueMaintenance m;
    private final Actions a;
    private final List<QueueName> operands;
    private int deleted;
    private int requeued;
    private int held;
    private int released;

    Run(QueueMaintenance m, Actions a, List<QueueName> operands) {
      this.m = m;
      this.a = a;
      this.operands = operands;
    }

    private List<QueueName> queues(List<QueueName> defaults) {
      return operands.isEmpty() ? defaults : operands;
    }

    int execute() throws IOException {
      List<QueueName> mass = queues(a.onlyAll('h') ? DEFAULT_HOLD_QUEUES
          : a.onlyAll('H') ? DEFAULT_RELEASE_QUEUES : DEFAULT_QUEUES);
      int renamed = 0;
      if (a.structure()) {
        StructureCheck.Result r = m.checkStructure(mass);
        renamed = r.renamedToMatchInode();
      }
      if (a.purge()) {
        m.purgeTemporary(Instant.now());
      }
      deleted += a.all('d') ? m.deleteAll(mass) : 0;
      requeued += a.all('r') ? m.requeueAll(mass) : 0;
      held += a.all('h') ? m.holdAll(mass) : 0;
      released += a.all('H') ? m.releaseAll(mass) : 0;
      boolean byId = a.byId('d') || a.byId('r') || a.byId('h') || a.byId('H');
      if (byId && renamed > 0) {
        err.println("postsuper: error: QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS");
        log.ifPresent(l -> l.error("QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS"));
        return fatal("CHECK YOUR QUEUE IDS AND RE-ISSUE THE COMMAND");
      }
      deleted += byId('d', m::delete, queues(DEFAULT_QUEUES));
      requeued += byId('r', m::requeue, queues(DEFAULT_QUEUES));
      held += byId('h', m::hold, queues(DEFAULT_HOLD_QUEUES));
      released += byId('H', m::release, queues(DEFAULT_RELEASE_QUEUES));
      summary("Requeued", requeued);
      summary("Deleted", deleted);
      summary("Placed on hold", held);
      summary("Released from hold", released);
      summary("Renamed to match inode number", renamed);
      if (renamed > 0) {
        warn("QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS");
      }
      return 0;
    }

    private int byId(char flag, ByIdOperation op, List<QueueName> queues) throws IOException {
      if (!a.byId(flag)) {
        return 0;
      }
      int n = 0;
      for (String id : a.ids(flag)) {
        if (id.equals("-")) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            n += one(op, line, queues);
          }
        } else {
          n += one(op, id, queues);
        }
      }
      return n;
    }

    private int one(ByIdOperation op, String id, List<QueueName> queues) throws IOException {
      if (!QueueId.isValid(id)) {
        warn("invalid mail queue id: " + id);
        return 0;
      }
      return op.apply(QueueId.of(id), queues) ? 1 : 0;
    }

    private void summary(String what, int n) {
      if (n > 0) {
        info(what + ": " + n + " message" + (n > 1 ? "s" : ""));
      }
    }
  }

  private void info(String message) {
    err.println("postsuper: " + message);
    log.ifPresent(l -> l.info(message));
  }

  private void warn(String message) {
    err.println("postsuper: warning: " + message);
    log.ifPresent(l -> l.warn(message));
  }

  private int fatal(String message) {
    err.println("postsuper: fatal: " + message);
    log.ifPresent(l -> l.fatal(message));
    return 1;
  }
}
