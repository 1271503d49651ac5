package org.postern.pipe;

import com.sun.security.auth.module.UnixSystem;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.deliver.DeliveredHeaders;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.MailCopy;
import org.postern.deliver.RecipientResult;
import org.postern.log.ProgramLog;
import org.postern.queue.ClientFacts;
import org.postern.queue.Recipient;

/**
 * Delivers a request to the external command of a master.cf pipe service: one command run per
 * request, every recipient of the request sharing its outcome, exactly as Postfix's pipe(8).
 * How many recipients a request carries is the queue manager's business ({@code
 * transport_destination_recipient_limit}); set it to 1 for commands that take one recipient, and
 * it must be 1 for flags D and O.
 *
 * <p>Failure: an entry whose {@code user=} names no account (Debian's stock {@code maildrop}
 * entry with {@code user=vmail} on a host without vmail) does not stop the mail system: as with
 * Postfix, whose pipe dies with {@code get_service_attr: unknown username: vmail} on each
 * delivery, the agent logs that fatal error and the mail to this transport is deferred ({@code
 * status=deferred (delivery temporarily suspended: unknown mail transport error)}) until the
 * account exists; it is looked up again for each delivery.
 */
public final class PipeAgent implements DeliveryAgent {
  private static final String CONFIG_ERROR = "mail system configuration error";
  /** What qmgr says of mail for a transport whose agent died: qmgr_deliver.c's wording. */
  private static final String SUSPENDED =
      "delivery temporarily suspended: unknown mail transport error";
  private static final List<String> DEFAULT_EXPORT = List.of("TZ", "MAIL_CONFIG", "LANG");

  private final String service;
  private final PipeAttributes attributes;
  private final Optional<CommandUser> account;
  private final boolean root;
  private final String mailOwner;
  private final ArgvExpander expander;
  private final Duration timeLimit;
  private final Path directory;
  private final Map<String, String> environment;
  private final Clock clock;
  private final ProgramLog log;

  private PipeAgent(MainConfig config, PipeAttributes attributes, Optional<CommandUser> account,
      Clock clock, ProgramLog log) {
    this.service = orDefault(config.get("service_name"), "pipe");
    this.attributes = attributes;
    this.account = account;
    this.root = new UnixSystem().getUid() == 0;
    this.mailOwner = config.get("mail_owner");
    this.expander = new ArgvExpander(attributes.flags(), config.get("recipient_delimiter"));
    this.timeLimit = timeLimit(config, service);
    this.directory = attributes.directory().map(Path::of).orElseGet(() -> queueDirectory(config));
    this.environment = environment(config);
    this.clock = clock;
    this.log = log;
  }

  /**
   * The agent for the pipe service that {@code config} was made for, with the arguments of its
   * master.cf entry ({@code flags=... user=... argv=...}), logging to {@code log}. Failure: bad
   * arguments or an account that may not run commands is an IllegalArgumentException naming the
   * service; the service cannot start. An account that does not exist is a warning (see the class
   * comment).
   */
  public static PipeAgent of(MainConfig config, List<String> arguments, ProgramLog log)
      throws IOException, InterruptedException {
    return of(config, arguments, Clock.systemDefaultZone(), log);
  }

  /** As {@link #of(MainConfig, List, ProgramLog)}, with {@code clock} for From_ lines. */
  public static PipeAgent of(MainConfig config, List<String> arguments, Clock clock,
      ProgramLog log) throws IOException, InterruptedException {
    String service = orDefault(config.get("service_name"), "pipe");
    try {
      PipeAttributes attributes = PipeAttributes.parse(arguments);
      ArgvExpander.check(attributes.argv());
      Optional<CommandUser> account;
      try {
        account = Optional.of(
            CommandUser.resolve(attributes.user(), attributes.group(), config.get("mail_owner")));
      } catch (UnknownAccountException e) {
        log.warn("master.cf service " + service + ": " + deferredUntilItExists(e));
        account = Optional.empty();
      }
      return new PipeAgent(config, attributes, account, clock, log);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "master.cf service " + service + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<RecipientResult> deliver(DeliveryRequest request)
      throws IOException, InterruptedException {
    Optional<CommandUser> runAs;
    try {
      runAs = runAs();
    } catch (UnknownAccountException | IllegalArgumentException e) {
      log.fatal("get_service_attr: " + e.getMessage());
      return request.recipients().stream()
          .map(r -> RecipientResult.deferred(r, "4.3.0", "none", SUSPENDED)).toList();
    }
    List<Recipient> rcpts = request.recipients();
    if (request.traceOnly()) {
      // An address probe runs nothing: it says which command would take the mail.
      return rcpts.stream().map(r -> RecipientResult.sent(r, "2.0.0", service,
          "delivers to command: " + attributes.argv().get(0))).toList();
    }
    if ((attributes.has(PipeFlag.DELIVERED_TO) || attributes.has(PipeFlag.ORIGINAL_TO))
        && rcpts.size() > 1) {
      return all(request, new CommandVerdict(false, "4.3.5", CONFIG_ERROR, ""));
    }
    if (attributes.sizeLimit() > 0 && request.message().messageSize() > attributes.sizeLimit()) {
      return all(request, new CommandVerdict(false, "5.2.3", "message too large", ""));
    }
    if (attributes.has(PipeFlag.DELIVERED_TO)
        && DeliveredHeaders.read(request).contains(rcpts.get(0).address())) {
      return all(request, new CommandVerdict(false, "5.4.6",
          "mail forwarding loop for " + rcpts.get(0).address(), ""));
    }
    String sender = request.sender().isEmpty() ? attributes.nullSender() : request.sender();
    List<String> argv;
    try {
      argv = expander.expand(attributes.argv(), messageValues(request, sender), rcpts);
    } catch (IllegalArgumentException e) {
      return all(request, new CommandVerdict(false, "4.3.5", CONFIG_ERROR, ""));
    }
    CommandRun.Command command =
        new CommandRun.Command(argv, runAs, directory, environment, timeLimit);
    MailCopy.Envelope envelope = new MailCopy.Envelope(sender,
        rcpts.get(0).originalRecipient().orElse(""), rcpts.get(0).address(),
        ZonedDateTime.now(clock));
    CommandRun.Outcome outcome = CommandRun.run(command, stdin -> {
      OutputStream out = new BufferedOutputStream(stdin);
      MailCopy.copy(request, envelope, attributes.copyFlags(), attributes.eol(), out);
      out.flush();
    });
    return all(request, CommandVerdict.of(outcome, argv.get(0)));
  }

  /**
   * For {@code postern check}: a warning naming file, line and service when the pipe {@code
   * entry}'s {@code user=} names no account (the agent starts, and defers that transport's mail).
   * Arguments that do not parse are left to the start, which refuses them.
   */
  public static Optional<String> unknownAccount(MasterService entry, MainConfig view)
      throws IOException, InterruptedException {
    PipeAttributes attributes;
    try {
      attributes = PipeAttributes.parse(entry.arguments());
      CommandUser.resolve(attributes.user(), attributes.group(), view.get("mail_owner"));
      return Optional.empty();
    } catch (UnknownAccountException e) {
      return Optional.of(entry.file() + ", line " + entry.line() + ": service " + entry.name()
          + ": " + deferredUntilItExists(e));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String deferredUntilItExists(UnknownAccountException e) {
    return e.getMessage() + ": mail to this transport is deferred until it exists";
  }

  /**
   * The account to switch to, when running as root. One that was unknown at start is looked up
   * again, as Postfix's pipe looks it up for each delivery: mail flows once the account exists.
   */
  private Optional<CommandUser> runAs()
      throws IOException, InterruptedException, UnknownAccountException {
    CommandUser user = account.isPresent() ? account.get()
        : CommandUser.resolve(attributes.user(), attributes.group(), mailOwner);
    return root ? Optional.of(user) : Optional.empty();
  }

  private List<RecipientResult> all(DeliveryRequest request, CommandVerdict verdict) {
    return request.recipients().stream().map(r -> result(r, verdict)).toList();
  }

  private RecipientResult result(Recipient r, CommandVerdict v) {
    if (v.ok()) {
      RecipientResult sent =
          RecipientResult.sent(r, "2.0.0", service, "delivered via " + service + " service");
      return attributes.has(PipeFlag.FINAL_DELIVERY) ? sent : sent.relayed();
    }
    RecipientResult failed = v.deferred()
        ? RecipientResult.deferred(r, v.dsn(), service, v.text())
        : RecipientResult.bounced(r, v.dsn().startsWith("5") ? v.dsn() : "5.0.0", service, v.text());
    return v.diagnostic().isEmpty() ? failed : failed.withDiagnostic(v.diagnostic());
  }

  private Map<String, String> messageValues(DeliveryRequest request, String sender) {
    ClientFacts client = request.message().envelope().client();
    Map<String, String> m = new HashMap<>();
    m.put("sender", expander.sender(sender));
    m.put("nexthop", expander.nexthop(request.nexthop()));
    m.put("size", Long.toString(request.message().messageSize()));
    m.put("queue_id", request.queueId().value());
    m.put("client_address", client.address());
    m.put("client_helo", client.helo());
    m.put("client_hostname", client.name());
    m.put("client_protocol", client.protocol());
    Map<String, String> attributes = request.message().envelope().attributes();
    for (String sasl : List.of("sasl_method", "sasl_username", "sasl_sender")) {
      m.put(sasl, attributes.getOrDefault(sasl, ""));
    }
    return m;
  }

  /** {@code <service>_time_limit}, else {@code command_time_limit}, else Postfix's 1000s. */
  static Duration timeLimit(MainConfig config, String service) {
    for (String name : List.of(service + "_time_limit", "command_time_limit")) {
      if (!config.get(name).isBlank()) {
        return config.getTime(name);
      }
    }
    return Duration.ofSeconds(1000);
  }

  private static Path queueDirectory(MainConfig config) {
    String q = config.get("queue_directory");
    return !q.isBlank() && Files.isDirectory(Path.of(q)) ? Path.of(q) : Path.of("/");
  }

  private static Map<String, String> environment(MainConfig config) {
    List<String> export = config.get("export_environment").isBlank() ? DEFAULT_EXPORT
        : config.getList("export_environment");
    Map<String, String> env = new HashMap<>();
    for (String entry : export) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      } else if (System.getenv(entry) != null) {
        env.put(entry, System.getenv(entry));
      }
    }
    env.put("PATH", "/usr/bin:/bin");
    return env;
  }

  private static String orDefault(String value, String fallback) {
    return value.isBlank() ? fallback : value;
  }
}
