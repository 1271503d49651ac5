package org.postern.cli;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.pickup.PickupTrigger;
import org.postern.queue.CleanupStatus;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

/**
 * sendmail(1): the Sendmail-compatible way for local programs to submit mail. The message on
 * standard input is committed as a queue file into {@code maildrop/}, so submission works while
 * the mail system is down; then pickup is woken through {@code public/pickup} (best effort: a
 * pickup that is down finds the file when it starts, a running one within its 60-second scan).
 *
 * <p>What is stored is what Postfix's sendmail and postdrop store: the sender (from {@code -f},
 * else the invoking user's login name <em>unqualified</em>: cleanup appends {@code @$myorigin}
 * when pickup hands the message over, exactly as in Postfix), the recipients (operands, each
 * parsed as an address list, and with {@code -t} the header recipients in the extracted segment),
 * the DSN NOTIFY ({@code -N}), RET ({@code -R}) and ENVID ({@code -V}) parameters, the body type
 * ({@code -B}), the REQUIRETLS and SMTPUTF8 marks ({@code -O requiretls=yes}, {@code -O
 * smtputf8=yes}), the full name ({@code -F}, {@code $NAME} or the password file) as the {@code
 * sender_fullname} attribute and {@code rewrite_context=local} ({@code remote} with {@code -G}),
 * which marks a local submission. The content is stored raw: Message-ID, Date and From, and the
 * {@code Require-TLS-ESMTP: yes} header, are cleanup's work in pickup's pass. {@code -bs} speaks
 * SMTP on standard input and output ({@link SendmailSmtp}) and stores each message the same way.
 * {@code -bp}, {@code -q}, {@code -qR} and {@code -qI} run postqueue; newaliases and address
 * verification are other commands.
 *
 * <p>Failure: as Postfix's sendmail, with sysexits statuses: bad options and no recipients
 * EX_USAGE, a message over {@code message_size_limit} ("message file too big") or unreadable input
 * EX_DATAERR, a queue file that cannot be written (or an unreadable configuration) EX_TEMPFAIL.
 * Nothing is left in the queue when sendmail fails.
 */
final class Sendmail {
  /**
   * The parameters a submission reads: only these are checked when it loads main.cf (a start-up
   * cost paid on every message), as Postfix's sendmail checks only its own.
   */
  static final Set<String> ENQUEUE_PARAMETERS = Set.of("queue_directory", "message_size_limit",
      "header_size_limit", "line_length_limit");

  /** What {@code -bs} reads: the submission's parameters and the greeting's. */
  static final Set<String> STAND_ALONE_PARAMETERS = Set.of("queue_directory",
      "message_size_limit", "line_length_limit", "smtpd_banner", "myhostname", "mail_name",
      "smtputf8_enable");

  /** The invoking user: login name, uid, and the full name from the password file, if any. */
  record Invoker(String login, long uid, Optional<String> gecosName) {
    static Invoker current() {
      UnixSystem unix = new UnixSystem();
      return new Invoker(unix.getUsername(), unix.getUid(), gecos(unix.getUid()));
    }

    /** The GECOS name as Postfix's fullname() reads it: up to a comma, '&' is the login. */
    private static Optional<String> gecos(long uid) {
      try {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
          String[] f = line.split(":", -1);
          if (f.length >= 5 && f[2].equals(Long.toString(uid))) {
            String name = f[4].split(",", 2)[0];
            String login = f[0].isEmpty() ? f[0]
                : Character.toUpperCase(f[0].charAt(0)) + f[0].substring(1);
            return name.isEmpty() ? Optional.empty() : Optional.of(name.replace("&", login));
          }
        }
      } catch (IOException e) {
        return Optional.empty(); // no password file: no full name, as for an unknown user
      }
      return Optional.empty();
    }
  }

  private final InputStream in;
  private final OutputStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Clock clock;
  private final Invoker invoker;

  Sendmail(InputStream in, OutputStream out, PrintStream err, Map<String, String> env,
      Clock clock, Invoker invoker) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
    this.invoker = invoker;
  }

  static int run(List<String> args) {
    return new Sendmail(System.in, System.out, System.err, System.getenv(), Clock.systemUTC(),
        Invoker.current()).main(args);
  }

  int main(List<String> args) {
    try {
      SendmailOptions options = SendmailOptions.parse(args);
      options.warnings().forEach(w -> err.println("sendmail: warning: " + w));
      return dispatch(options);
    } catch (SendmailFatal e) {
      err.println("sendmail: fatal: " + e.getMessage());
      return e.status();
    }
  }

  private int dispatch(SendmailOptions o) throws SendmailFatal {
    if (o.queueRunInterval && o.mode != SendmailOptions.Mode.DAEMON) {
      return Sysexits.EX_OK; // "-q30m" without -bd: nothing to do, as in Postfix
    }
    return switch (o.mode) {
      case ENQUEUE -> {
        if (o.flushSite != null) {
          yield postqueue(o, "-s", o.flushSite);
        }
        if (o.flushId != null) {
          yield postqueue(o, "-i", o.flushId);
        }
        yield enqueue(o, load(o, ENQUEUE_PARAMETERS));
      }
      case STAND_ALONE_SMTP -> {
        if (!o.recipients.isEmpty()) {
          throw usage("stand-alone mode requires no recipient");
        }
        yield standAlone(o, load(o, STAND_ALONE_PARAMETERS));
      }
      case MAILQ -> postqueue(o, "-p");
      case NEWALIASES -> throw notHere("-bi", "bin/newaliases to rebuild the alias database");
      case FLUSH_QUEUE -> postqueue(o, "-f");
      case DAEMON -> throw notHere("-bd", "bin/postern start to start the mail system");
      case VERIFY -> verify(o, load(o, ENQUEUE_PARAMETERS));
      case IGNORE -> Sysexits.EX_OK;
    };
  }

  /** sendmail -bp, -q, -qR and -qI are postqueue -p, -f, -s and -i, as in Postfix. */
  private int postqueue(SendmailOptions o, String... args) throws SendmailFatal {
    java.util.List<String> argv = new java.util.ArrayList<>();
    argv.add("-c");
    argv.add(load(o, null).configDirectory().toString());
    argv.addAll(java.util.List.of(args));
    return Postqueue.run(argv);
  }

  private static SendmailFatal notHere(String option, String instead) {
    return usage(option + " is not supported by sendmail here: use " + instead);
  }

  private static SendmailFatal usage(String message) {
    return new SendmailFatal(Sysexits.EX_USAGE, message);
  }

  /**
   * main.cf from -c, else -C (the file or its directory), else MAIL_CONFIG or the default, with
   * the values of {@code parameters} checked (all when null).
   */
  private MainConfig load(SendmailOptions o, Set<String> parameters) throws SendmailFatal {
    Path dir;
    if (o.configDirectory != null) {
      dir = ConfigDirectory.resolve(o.configDirectory);
    } else if (o.configFile != null) {
      Path p = Path.of(o.configFile).toAbsolutePath();
      dir = p.getFileName() != null && p.getFileName().toString().equals("main.cf")
          ? p.getParent() : p;
    } else {
      dir = ConfigDirectory.resolve(null);
    }
    try {
      return parameters == null ? MainConfig.load(dir) : MainConfig.load(dir, parameters);
    } catch (ConfigException | RuntimeException e) {
      throw new SendmailFatal(Sysexits.EX_TEMPFAIL, dir.resolve("main.cf") + ": " + e.getMessage());
    }
  }

  private int enqueue(SendmailOptions o, MainConfig config) throws SendmailFatal {
    String sender = sender(o);
    String who = sender + "(" + invoker.uid() + ")";
    List<Recipient> recipients = new ArrayList<>();
    for (String operand : o.recipients) {
      List<String> found = Rfc822Addresses.parse(operand);
      for (String address : found.isEmpty() ? List.of("") : found) {
        recipients.add(recipient(address, o.notify));
      }
    }
    Envelope envelope = envelope(o, sender, recipients, fullName(o));
    Queues queues = Queues.at(config.getPath("queue_directory"));
    SendmailInput input = new SendmailInput(o.dotEndsInput, o.extractRecipients,
        config.getSize("message_size_limit"), config.getInt("header_size_limit"));
    QueueId id;
    try (QueueFileWriter writer = QueueFileWriter.createInMaildrop(queues, clock)) {
      writer.writeEnvelope(envelope);
      input.copy(new LineInput(in, config.getInt("line_length_limit")), writer.content(),
          writer::messageSize);
      List<Recipient> extracted = new ArrayList<>();
      for (String address : input.extractedRecipients()) {
        extracted.add(recipient(address, o.notify));
      }
      if (recipients.isEmpty() && extracted.isEmpty()) {
        throw usage(o.extractRecipients
            ? who + ": No recipient addresses found in message header"
            : who + ": Recipient addresses must be specified on the command line or via the -t"
                + " option");
      }
      writer.commit(QueueName.MAILDROP, new ExtractedEnvelope(extracted, false));
      id = writer.id();
    } catch (SendmailInput.TooBig e) {
      throw new SendmailFatal(Sysexits.EX_DATAERR, who + ": " + CleanupStatus.SIZE.text());
    } catch (LineInput.InputError e) {
      throw new SendmailFatal(Sysexits.EX_DATAERR, who + ": error reading input: "
          + e.getMessage());
    } catch (IOException e) {
      throw new SendmailFatal(Sysexits.EX_TEMPFAIL, who + ": error writing queue file: "
          + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new SendmailFatal(Sysexits.EX_DATAERR, who + ": " + e.getMessage());
    }
    boolean woken = PickupTrigger.wake(queues);
    if (o.verbose > 0) {
      err.println("sendmail: " + id + ": queued in " + QueueName.MAILDROP
          + (woken ? "" : "; pickup not running, the message waits there"));
    }
    return Sysexits.EX_OK;
  }

  /**
   * sendmail -bv: no message is read; a probe with Postfix's header (From, {@code Subject:
   * probe}, To) and {@code trace_flags=512} goes to maildrop, and the mail system mails a delivery
   * status report to the sender instead of delivering it.
   */
  private int verify(SendmailOptions o, MainConfig config) throws SendmailFatal {
    String sender = sender(o);
    List<Recipient> recipients = new ArrayList<>();
    for (String operand : o.recipients) {
      for (String address : Rfc822Addresses.parse(operand)) {
        recipients.add(recipient(address, o.notify));
      }
    }
    if (recipients.isEmpty()) {
      throw usage(sender + "(" + invoker.uid() + "): Recipient addresses must be specified on"
          + " the command line or via the -t option");
    }
    Envelope plain = envelope(o, sender, recipients, fullName(o));
    Map<String, String> attributes = new HashMap<>(plain.attributes());
    attributes.put(TraceFlags.ATTRIBUTE, Integer.toString(TraceFlags.USER_VERIFY));
    Envelope envelope = new Envelope(plain.sender(), plain.recipients(), plain.dsnRet(),
        plain.envid(), plain.requireTls(), plain.smtputf8(), plain.bodyType(), plain.client(),
        attributes);
    StringBuilder header = new StringBuilder();
    if (!sender.isEmpty()) {
      header.append("From: ").append(sender).append('\n');
    }
    header.append("Subject: probe\n").append("To:");
    for (int i = 0; i < recipients.size(); i++) {
      header.append(i == 0 ? "\t" : ",\n\t").append(recipients.get(i).address());
    }
    header.append('\n');
    Queues queues = Queues.at(config.getPath("queue_directory"));
    try (QueueFileWriter writer = QueueFileWriter.createInMaildrop(queues, clock)) {
      writer.writeEnvelope(envelope);
      writer.content().write(header.toString().getBytes(StandardCharsets.UTF_8));
      writer.commit(QueueName.MAILDROP, ExtractedEnvelope.NONE);
    } catch (IOException e) {
      throw new SendmailFatal(Sysexits.EX_TEMPFAIL, sender + "(" + invoker.uid()
          + "): error writing queue file: " + e.getMessage());
    }
    PickupTrigger.wake(queues);
    PrintStream report = new PrintStream(out, true, StandardCharsets.UTF_8);
    report.println("Mail Delivery Status Report will be mailed to <" + sender + ">.");
    return Sysexits.EX_OK;
  }

  private int standAlone(SendmailOptions o, MainConfig config) throws SendmailFatal {
    Queues queues = Queues.at(config.getPath("queue_directory"));
    SendmailSmtp.Settings settings = SendmailSmtp.Settings.from(config, o.requireTls, o.smtputf8,
        o.rewriteContext);
    try {
      new SendmailSmtp(settings, queues, clock, new LineInput(in,
          config.getInt("line_length_limit")), out).session();
    } catch (IOException e) {
      throw new SendmailFatal(Sysexits.EX_TEMPFAIL, "stand-alone SMTP session: " + e.getMessage());
    }
    return Sysexits.EX_OK;
  }

  /** -f's first address, as Postfix takes it; else the login name, left for cleanup to qualify. */
  private String sender(SendmailOptions o) throws SendmailFatal {
    if (o.sender != null) {
      List<String> found = Rfc822Addresses.parse(o.sender);
      if (found.size() > 1) {
        err.println("sendmail: warning: -f option specified malformed sender: " + o.sender);
      }
      return found.isEmpty() ? "" : found.get(0);
    }
    if (invoker.login() == null || invoker.login().isEmpty()) {
      throw new SendmailFatal(Sysexits.EX_OSERR,
          "no login name found for user ID " + invoker.uid());
    }
    return invoker.login();
  }

  private Optional<String> fullName(SendmailOptions o) {
    if (o.fullName != null) {
      return Optional.of(o.fullName);
    }
    String name = env.get("NAME");
    return name != null && !name.isEmpty() ? Optional.of(name) : invoker.gecosName();
  }

  static Recipient recipient(String address, Set<DsnNotify> notify) {
    return new Recipient(address, Optional.empty(), Optional.empty(), notify, false, -1);
  }

  private static Envelope envelope(SendmailOptions o, String sender, List<Recipient> recipients,
      Optional<String> fullName) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("rewrite_context", o.rewriteContext);
    fullName.filter(n -> !n.isBlank() && n.chars().noneMatch(c -> c == 0 || c == '\r' || c == '\n'))
        .ifPresent(n -> attributes.put("sender_fullname", n));
    return new Envelope(sender, recipients, o.ret, o.envid, o.requireTls, o.smtputf8,
        o.bodyType, ClientFacts.NONE, attributes);
  }
}
