package org.postern.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;
import org.postern.table.TableException;

/**
 * Delivery to one recipient of a request, Postfix's {@code deliver_recipient()}: loop check on
 * Delivered-To, aliases (full local part, then without extension), the user's .forward, then the
 * mailbox; commands, files and includes found on the way; every address found is forwarded in
 * one new message at the end. Each target's {@link Outcome} is kept; {@link #deliver} folds them
 * into the one result qmgr receives.
 *
 * <p>An address probe ({@link DeliveryRequest#traceOnly}) writes and runs nothing: each target
 * says where it would deliver, in Postfix's words ({@code delivers to mailbox}, {@code delivers
 * to maildir}, {@code delivers to file: PATH}, {@code delivers to command: CMD}, {@code forwards
 * to ADDR}); a verify(8) probe stops at an alias ({@code aliased to VALUE}) or a .forward file
 * ({@code forward via file: PATH}), as Postfix's local does. Unknown users bounce as for mail.
 */
final class RecipientDelivery {
  private static final System.Logger LOG = System.getLogger("org.postern.local");
  /** Postfix's nesting limit for aliases and includes before it blames an alias loop. */
  private static final int MAX_LEVEL = 100;

  /** Where a target came from, in allow_mail_to_commands / allow_mail_to_files words. */
  private enum Source {
    ALIAS("alias"),
    FORWARD("forward"),
    INCLUDE("include");

    private final String word;

    Source(String word) {
      this.word = word;
    }
  }

  private final LocalContext ctx;
  private final DeliveryRequest request;
  private final Recipient recipient;
  private final RecipientAddress rcpt;
  private final MessageCopy copy;
  private final List<String> forwards = new ArrayList<>();
  private final List<Outcome> outcomes = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private final TraceFlags trace;

  RecipientDelivery(LocalContext ctx, DeliveryRequest request, Recipient recipient) {
    this.ctx = ctx;
    this.request = request;
    this.recipient = recipient;
    this.rcpt = RecipientAddress.of(recipient.address(), ctx.settings().recipientDelimiter());
    this.trace = TraceFlags.of(request.message().envelope());
    this.copy = new MessageCopy(request.message().path(), request.sender(),
        recipient.originalRecipient(), ZonedDateTime.now(ctx.clock()));
  }

  RecipientResult deliver() throws IOException, InterruptedException {
    String address = recipient.address();
    if (MessageCopy.deliveredTo(request.message().path()).contains(address.toLowerCase(Locale.ROOT))) {
      return fold(List.of(Outcome.bounced("5.4.6", "mail forwarding loop for " + address)));
    }
    if (rcpt.user().isEmpty()) {
      return fold(List.of(Outcome.bounced("5.1.3", "null username in \"" + address + "\"")));
    }
    deliverSwitch();
    new Forwarding(ctx, request, recipient, copy).send(forwards, outcomes);
    return fold(outcomes);
  }

  private void deliverSwitch() throws IOException, InterruptedException {
    Optional<AliasMaps.Alias> alias;
    try {
      alias = ctx.aliases().find(rcpt.local());
      if (alias.isEmpty() && !rcpt.extension().isEmpty()) {
        alias = ctx.aliases().find(rcpt.user());
      }
    } catch (TableException e) {
      LOG.log(System.Logger.Level.WARNING, request.queueId() + ": " + e.getMessage());
      outcomes.add(Outcome.deferred("4.3.0", "alias database unavailable"));
      return;
    }
    if (alias.isPresent()) {
      expandAlias(alias.get());
    } else {
      deliverToUser(rcpt.user(), true);
    }
  }

  private void expandAlias(AliasMaps.Alias alias) throws IOException, InterruptedException {
    Optional<LocalUser> rights = alias.ownerUid().isPresent()
        ? ctx.users().byUid(alias.ownerUid().getAsInt())
        : ctx.users().byName(ctx.settings().defaultPrivs());
    if (rights.isEmpty()) {
      outcomes.add(Outcome.deferred("4.3.0", "cannot find alias database owner"));
      return;
    }
    List<Target> targets = Target.parse(alias.value());
    if (targets.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "no recipient in alias lookup result for " + alias.name());
      outcomes.add(Outcome.deferred("4.3.0", "alias database unavailable"));
      return;
    }
    if (trace.mtaVerify()) {
      outcomes.add(Outcome.delivered("aliased to " + alias.value()));
      return;
    }
    expand(targets, Source.ALIAS, rights.get(), alias.name(), 1);
  }

  /** The user's .forward (when {@code dotForward}), else the mailbox; unknown users bounce. */
  private void deliverToUser(String name, boolean dotForward) throws IOException, InterruptedException {
    Optional<LocalUser> user = ctx.users().byName(name);
    if (user.isEmpty()) {
      unknown(name);
      return;
    }
    Path home = user.get().home();
    if (!Files.isDirectory(home)) {
      outcomes.add(Outcome.deferred("4.3.0", "cannot access home directory " + home
          + ": No such file or directory"));
      return;
    }
    if (!dotForward || !dotForward(user.get())) {
      mailbox(user.get());
    }
  }

  private void unknown(String name) {
    if (name.equals("mailer-daemon") || name.equals("postmaster")) {
      LOG.log(System.Logger.Level.WARNING, "required alias not found: " + name);
      outcomes.add(Outcome.delivered("discarded"));
      return;
    }
    String shown = name.equals(rcpt.user()) ? rcpt.local() : name;
    outcomes.add(Outcome.bounced("5.1.1", "unknown user: \"" + shown + "\""));
  }

  private boolean dotForward(LocalUser user) throws IOException, InterruptedException {
    LocalSettings s = ctx.settings();
    for (String item : LocalExpand.forwardFiles(s.forwardPath(),
        RecipientAttributes.expansion(user, recipient, rcpt), s.forwardExpansionFilter())) {
      Path path = Path.of(item);
      if (!path.isAbsolute() || !Files.exists(path)) {
        continue;
      }
      if (ctx.privileges().switchesUser() && UserFiles.owner(path) != user.uid()) {
        LOG.log(System.Logger.Level.WARNING, "file " + path + " has bad owner uid "
            + UserFiles.owner(path));
        continue;
      }
      Optional<String> text;
      try {
        text = ctx.files().read(path, user);
      } catch (IOException e) {
        outcomes.add(Outcome.deferred("4.3.0", "cannot open forward file " + path + ": "
            + e.getMessage()));
        return true;
      }
      List<Target> targets = Target.parse(text.orElse(""));
      if (!targets.isEmpty() && trace.mtaVerify()) {
        outcomes.add(Outcome.delivered("forward via file: " + path));
        return true;
      }
      if (!targets.isEmpty()) {
        expand(targets, Source.FORWARD, user, user.name(), 1);
        return true;
      }
    }
    return false;
  }

  private void expand(List<Target> targets, Source source, LocalUser rights, String expandedFrom,
      int level) throws IOException, InterruptedException {
    for (Target target : targets) {
      switch (target) {
        case Target.Address a -> address(a.address(), source, expandedFrom);
        case Target.File f -> file(f.path(), source, rights);
        case Target.Command c -> command(c.command(), source, rights);
        case Target.Include i -> include(i.path(), rights, expandedFrom, level);
        case Target.Mailbox m -> {
          if (firstTime("user \\" + m.user())) {
            deliverToUser(m.user(), false);
          }
        }
      }
    }
  }

  /**
   * An address: forwarded, except an alias that lists its own name (delivered to that user, as
   * sendmail does) and a .forward that lists its owner (that user's mailbox).
   */
  private void address(String address, Source source, String expandedFrom)
      throws IOException, InterruptedException {
    Optional<String> local = rcpt.sameDomainLocalPart(address);
    if (local.isPresent() && local.get().equals(expandedFrom) && source != Source.INCLUDE) {
      if (firstTime("user " + expandedFrom)) {
        deliverToUser(expandedFrom, source == Source.ALIAS);
      }
      return;
    }
    if (firstTime("address " + address.toLowerCase(Locale.ROOT))) {
      if (trace.traceOnly()) {
        outcomes.add(Outcome.delivered("forwards to " + address));
        return;
      }
      forwards.add(address);
    }
  }

  private void file(Path path, Source source, LocalUser rights) throws InterruptedException {
    if (!ctx.settings().allowMailToFiles().contains(source.word)) {
      outcomes.add(Outcome.bounced("5.7.1", "mail to file is restricted"));
      return;
    }
    if (!firstTime("file " + path)) {
      return;
    }
    if (trace.traceOnly()) {
      outcomes.add(Outcome.delivered("delivers to file: " + path));
      return;
    }
    Optional<String> delivered = deliveredHeader("file");
    MessageWriter writer = out -> copy.write(out, MessageCopy.Format.mbox(delivered));
    String text = "delivered to file: " + path;
    if (ctx.privileges().switchesUser()) {
      // The kernel decides what the user may write: the append runs as the user.
      Outcome o = ctx.commands().run("umask 077 && exec cat >> " + shellQuote(path.toString()),
          rights, Map.of("PATH", "/usr/bin:/bin"), rights.home(), writer, text);
      outcomes.add(o instanceof Outcome.Sent ? o : MailboxErrors.fileError(path, o));
      return;
    }
    outcomes.add(MailboxErrors.attempt("cannot append message to file " + path + ": ",
        () -> ctx.mbox().append(path, ctx.privileges(), rights, writer), text));
  }

  private void command(String command, Source source, LocalUser rights) throws InterruptedException {
    if (!ctx.settings().allowMailToCommands().contains(source.word)) {
      outcomes.add(Outcome.bounced("5.7.1", "mail to command is restricted"));
      return;
    }
    if (firstTime("command " + command)) {
      runCommand(command, rights);
    }
  }

  /** mailbox_command, expanded; a malformed one defers, as Postfix defers a bad exec_directory. */
  private void mailboxCommand(LocalSettings s, LocalUser user) throws InterruptedException {
    String command;
    try {
      command = LocalExpand.expand(s.mailboxCommand(),
          RecipientAttributes.expansion(user, recipient, rcpt), s.commandExpansionFilter());
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "bad parameter value syntax for mailbox_command: "
          + s.mailboxCommand() + ": " + e.getMessage());
      outcomes.add(Outcome.deferred("4.3.5", "mail system configuration error"));
      return;
    }
    runCommand(command, user);
  }

  private void runCommand(String command, LocalUser rights) throws InterruptedException {
    if (trace.traceOnly()) {
      outcomes.add(Outcome.delivered("delivers to command: " + command));
      return;
    }
    Optional<String> delivered = deliveredHeader("command");
    outcomes.add(ctx.commands().run(command, rights, RecipientAttributes.environment(ctx.settings(), request, recipient, rcpt, rights), rights.home(),
        out -> copy.write(out, MessageCopy.Format.command(delivered)),
        "delivered to command: " + command));
  }

  private void include(Path path, LocalUser rights, String expandedFrom, int level)
      throws IOException, InterruptedException {
    if (!firstTime("include " + path)) {
      return;
    }
    if (level >= MAX_LEVEL) {
      outcomes.add(Outcome.bounced("5.4.6", "alias database loop for " + expandedFrom));
      return;
    }
    if (!Files.exists(path)) {
      outcomes.add(Outcome.bounced("5.3.0", "cannot open include file " + path
          + ": No such file or directory"));
      return;
    }
    LocalUser includeRights = rights;
    int owner = UserFiles.owner(path);
    if (owner != 0 && owner != rights.uid()) {
      // An include file owned by someone else is expanded with its owner's rights, so that it
      // cannot borrow the rights of the alias or .forward that names it.
      includeRights = ctx.users().byUid(owner).orElse(rights);
    }
    String text;
    try {
      text = ctx.files().read(path, includeRights).orElse("");
    } catch (IOException e) {
      outcomes.add(Outcome.deferred("4.3.0", "cannot open include file " + path + ": "
          + e.getMessage()));
      return;
    }
    expand(Target.parse(text), Source.INCLUDE, includeRights, expandedFrom, level + 1);
  }

  private void mailbox(LocalUser user) throws InterruptedException {
    if (!firstTime("mailbox " + user.name())) {
      return;
    }
    LocalSettings s = ctx.settings();
    if (!s.mailboxCommand().isEmpty()) {
      mailboxCommand(s, user);
      return;
    }
    Optional<String> delivered = deliveredHeader("file");
    Optional<Path> maildir = maildir(s, user);
    if (trace.traceOnly()) {
      outcomes.add(Outcome.delivered(maildir.isPresent() ? "delivers to maildir" : "delivers to mailbox"));
      return;
    }
    if (maildir.isPresent()) {
      String unique = Maildir.uniqueName(request.message().arrivalTime(), request.queueId(),
          recipient.address(), user.name(), s.myhostname());
      outcomes.add(MailboxErrors.attempt("maildir delivery failed: ",
          () -> Maildir.deliver(maildir.get(), unique, ctx.privileges(), user,
              ctx.maildirCreation(), s.mailboxSizeLimit(),
              out -> copy.write(out, MessageCopy.Format.maildir(delivered))),
          "delivered to maildir"));
      return;
    }
    Path mbox = s.homeMailbox().isEmpty()
        ? Path.of(s.mailSpoolDirectory()).resolve(user.name())
        : user.home().resolve(s.homeMailbox());
    outcomes.add(MailboxErrors.attempt(
        "cannot update mailbox " + mbox + " for user " + user.name() + ". ",
        () -> ctx.mbox().append(mbox, ctx.privileges(), user,
            out -> copy.write(out, MessageCopy.Format.mbox(delivered))),
        "delivered to mailbox"));
  }

  /**
   * The Maildir of {@code user}, when the mailbox is one: home_mailbox ending in {@code /}
   * ($HOME/Maildir/), or no home_mailbox and a mail_spool_directory ending in {@code /} (the
   * spool holds one Maildir per user), as local(8) says.
   */
  private static Optional<Path> maildir(LocalSettings s, LocalUser user) {
    if (s.homeMailbox().endsWith("/")) {
      return Optional.of(user.home().resolve(s.homeMailbox()));
    }
    if (s.homeMailbox().isEmpty() && s.mailSpoolDirectory().endsWith("/")) {
      return Optional.of(Path.of(s.mailSpoolDirectory()).resolve(user.name()));
    }
    return Optional.empty();
  }

  private Optional<String> deliveredHeader(String kind) {
    return ctx.settings().prependDeliveredHeader().contains(kind)
        ? Optional.of(recipient.address().toLowerCase(Locale.ROOT))
        : Optional.empty();
  }

  /** Postfix's duplicate filter: true the first time, up to duplicate_filter_limit entries. */
  private boolean firstTime(String key) {
    if (seen.contains(key)) {
      return false;
    }
    if (seen.size() < ctx.settings().duplicateFilterLimit()) {
      seen.add(key);
    }
    return true;
  }

  /**
   * The one result qmgr gets: deferred when any target deferred (the whole expansion is tried
   * again), else bounced when any target bounced, else sent with every target's text.
   */
  private RecipientResult fold(List<Outcome> all) {
    for (Outcome o : all) {
      if (o instanceof Outcome.Deferred d) {
        return RecipientResult.deferred(recipient, d.dsn(), "local", d.text());
      }
    }
    for (Outcome o : all) {
      if (o instanceof Outcome.Bounced b) {
        return RecipientResult.bounced(recipient, b.dsn(), "local", b.text());
      }
    }
    if (all.isEmpty()) {
      return RecipientResult.sent(recipient, "2.0.0", "local", "discarded");
    }
    List<String> texts = all.stream().map(Outcome::text).toList();
    RecipientResult sent = RecipientResult.sent(recipient, "2.0.0", "local", String.join(", ", texts));
    boolean relayedOnly = all.stream().allMatch(o -> o instanceof Outcome.Sent s && s.relayed());
    return relayedOnly ? sent.relayed() : sent;
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
