package org.postern.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.queue.QueueId;
import org.postern.queue.Queues;
import org.postern.util.Getopt;

/**
 * postqueue(1) and mailq(1): the user's view of the mail queue, as Postfix's postqueue. {@code
 * -p} (and mailq) lists the queue in the Sendmail-compatible table, {@code -j} as JSON lines;
 * {@code -f} flushes the whole queue, {@code -i queue_id} one deferred message, {@code -s site}
 * the deferred mail for one domain. {@code -c config_dir} or {@code MAIL_CONFIG} name main.cf,
 * which names {@code queue_directory}.
 *
 * <p>Postern has no showq(8) service: the listing always reads the queue directory itself, as
 * Postfix's postqueue does for the superuser when the mail system is down (without its warning).
 * The flush requests go to qmgr's {@code public/qmgr} socket; see {@link QueueFlush} for how
 * {@code -i} and {@code -s} differ from Postfix's flush(8) service.
 *
 * <p>Failure: a bad command line exits EX_USAGE with Postfix's usage line; an invalid queue id or
 * site exits EX_USAGE; an unreadable configuration or queue directory, and a flush request that
 * no running qmgr accepts ({@code Cannot flush mail queue - mail system is down}), exit
 * EX_UNAVAILABLE, the status Postfix's postqueue gives every fatal error.
 */
final class Postqueue {
  private static final String USAGE = "usage: postqueue -f | postqueue -i queueid"
      + " | postqueue -j | postqueue -p | postqueue -s site";
  private static final String SYSTEM_DOWN = "Cannot flush mail queue - mail system is down";

  /** What one command line asks for; exactly one per run. */
  private enum Mode {
    MAILQ_LIST,
    JSON_LIST,
    FLUSH_QUEUE,
    FLUSH_FILE,
    FLUSH_SITE
  }

  /** A fatal error: its message and exit status. */
  private static final class Fatal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    Fatal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final ZoneId zone;

  Postqueue(PrintStream out, PrintStream err, Clock clock, ZoneId zone) {
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.zone = zone;
  }

  static int run(List<String> args) {
    return system().main(args);
  }

  static int mailq(List<String> args) {
    return system().mailqMain(args);
  }

  private static Postqueue system() {
    return new Postqueue(System.out, System.err, Clock.systemUTC(), ZoneId.systemDefault());
  }

  /** postqueue with its own command line. */
  int main(List<String> args) {
    try {
      Getopt opts;
      try {
        opts = Getopt.parse(args, "c:fi:jps:v");
      } catch (Getopt.UsageException e) {
        err.println("postqueue: " + e.getMessage());
        throw new Fatal(Sysexits.EX_USAGE, USAGE);
      }
      Mode mode = mode(opts);
      MainConfig config = config(ConfigDirectory.resolve(opts.value('c')));
      Queues queues = queues(config);
      return switch (mode) {
        case MAILQ_LIST -> list(config, queues, false);
        case JSON_LIST -> list(config, queues, true);
        case FLUSH_QUEUE -> flushed(flush(queues).flushQueue());
        case FLUSH_FILE -> flushed(flush(queues).flushFile(queueId(opts.value('i'))));
        case FLUSH_SITE -> flushed(flush(queues).flushSite(site(opts.value('s'))));
      };
    } catch (Fatal e) {
      err.println("postqueue: fatal: " + e.getMessage());
      return e.status;
    } catch (IOException e) {
      err.println("postqueue: fatal: " + e.getMessage());
      return Sysexits.EX_UNAVAILABLE;
    }
  }

  /**
   * mailq: Postfix's sendmail in its list mode, which accepts sendmail's options and runs
   * {@code postqueue -p}; {@code -c dir} or {@code -C main.cf} choose the configuration.
   */
  int mailqMain(List<String> args) {
    try {
      SendmailOptions o = SendmailOptions.parse(args);
      if (!o.recipients.isEmpty()) {
        throw new Fatal(Sysexits.EX_USAGE, "display queue mode requires no recipient");
      }
      MainConfig config = config(mailqConfig(o));
      return list(config, queues(config), false);
    } catch (SendmailFatal e) {
      err.println("mailq: fatal: " + e.getMessage());
      return e.status();
    } catch (Fatal e) {
      err.println("mailq: fatal: " + e.getMessage());
      return e.status;
    } catch (IOException e) {
      err.println("mailq: fatal: " + e.getMessage());
      return Sysexits.EX_UNAVAILABLE;
    }
  }

  private static Path mailqConfig(SendmailOptions o) {
    if (o.configDirectory == null && o.configFile != null) {
      Path p = Path.of(o.configFile).toAbsolutePath();
      boolean mainCf = p.getFileName() != null && p.getFileName().toString().equals("main.cf");
      return mainCf ? p.getParent() : p;
    }
    return ConfigDirectory.resolve(o.configDirectory);
  }

  private static Mode mode(Getopt opts) throws Fatal {
    Mode mode = null;
    for (Getopt.Option o : opts.options()) {
      Mode m = switch (o.flag()) {
        case 'f' -> Mode.FLUSH_QUEUE;
        case 'i' -> Mode.FLUSH_FILE;
        case 'j' -> Mode.JSON_LIST;
        case 'p' -> Mode.MAILQ_LIST;
        case 's' -> Mode.FLUSH_SITE;
        default -> null; // -c, -v
      };
      if (m != null && mode != null) {
        throw new Fatal(Sysexits.EX_USAGE, USAGE);
      }
      mode = m != null ? m : mode;
    }
    if (mode == null || !opts.operands().isEmpty()) {
      throw new Fatal(Sysexits.EX_USAGE, USAGE);
    }
    return mode;
  }

  private static MainConfig config(Path configDirectory) throws Fatal {
    try {
      return MainConfig.load(configDirectory);
    } catch (ConfigException e) {
      throw new Fatal(Sysexits.EX_UNAVAILABLE, e.getMessage());
    }
  }

  private static Queues queues(MainConfig config) throws Fatal {
    Path dir = config.getPath("queue_directory");
    if (!Files.isDirectory(dir)) {
      throw new Fatal(Sysexits.EX_UNAVAILABLE, "chdir " + dir + ": No such file or directory");
    }
    return Queues.at(dir);
  }

  private int list(MainConfig config, Queues queues, boolean json) throws IOException {
    String empty = config.get("empty_address_recipient");
    List<QueueListing.Message> messages =
        new QueueListing(queues, empty, w -> err.println("postqueue: warning: " + w)).read();
    if (json) {
      ShowqOutput.json(messages, out);
    } else {
      ShowqOutput.table(messages, zone, out);
    }
    out.flush();
    return Sysexits.EX_OK;
  }

  private QueueFlush flush(Queues queues) {
    return new QueueFlush(queues, clock);
  }

  private static int flushed(boolean accepted) throws Fatal {
    if (!accepted) {
      throw new Fatal(Sysexits.EX_UNAVAILABLE, SYSTEM_DOWN);
    }
    return Sysexits.EX_OK;
  }

  private static QueueId queueId(String text) throws Fatal {
    if (!QueueId.isValid(text)) {
      throw new Fatal(Sysexits.EX_USAGE,
          "Cannot flush queue ID - invalid name: \"" + shortened(text) + "\"");
    }
    return QueueId.of(text);
  }

  private static String site(String text) throws Fatal {
    if (!QueueFlush.validSite(text)) {
      throw new Fatal(Sysexits.EX_USAGE,
          "Cannot flush mail queue - invalid destination: \"" + shortened(text) + "\"");
    }
    return text;
  }

  private static String shortened(String text) {
    return text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }
}
