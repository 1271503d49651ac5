package org.postern.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.postern.milter.Milters;
import org.postern.queue.BodyType;
import org.postern.queue.CleanupStatus;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Recipient;
import org.postern.table.TableException;

/**
 * One message on its way into the queue: the envelope first (sender, recipients with their DSN
 * parameters, RET/ENVID, BODY, the SMTPUTF8 and REQUIRETLS requests, client facts), then the
 * content as a stream, then {@link #commit}. Envelope addresses are rewritten and recipients
 * expanded when the content starts; the content is processed as it arrives (see {@link
 * ContentProcessor}) and spooled, because the envelope records, written first, depend on it.
 * Commit writes the queue file through {@link QueueFileWriter} (temporary file, fsync, rename
 * into incoming/ or hold/, directory fsync).
 *
 * <p>Named attributes this class adds to the queue file: {@code content_filter} (the caller's
 * content_filter or a FILTER action, {@code transport:destination}) and {@code redirect_to} (a
 * REDIRECT action's address).
 *
 * <p>Failure: problems found while reading the content never throw; they make {@link #commit}
 * return Rejected or Failed. {@link #close} without commit (or after a refusal) leaves nothing
 * behind. Not thread-safe: one transaction per message.
 */
public final class CleanupTransaction implements AutoCloseable {
  static final String CONTENT_FILTER = "content_filter";
  static final String REDIRECT_TO = "redirect_to";
  /** Who the SMTP client authenticated as (smtpd's AUTH), as Postfix records it. */
  public static final String SASL_USERNAME = "sasl_username";
  private static final int SPOOL_MEMORY_LIMIT = 256 * 1024;

  private enum State {
    ENVELOPE,
    CONTENT,
    DONE
  }

  private final Cleanup cleanup;
  private final CleanupSettings settings;
  private final CleanupOrigin origin;
  private final QueueFileWriter writer;
  private final CleanupErrors errors = new CleanupErrors();
  private ContentSpool spool;
  private final List<Recipient> received = new ArrayList<>();
  private final Map<String, String> attributes = new HashMap<>();
  private State state = State.ENVELOPE;
  private String sender = "";
  private String fullName = "";
  private Optional<DsnRet> dsnRet = Optional.empty();
  private Optional<String> envid = Optional.empty();
  private Optional<BodyType> bodyType = Optional.empty();
  private boolean requireTls;
  private boolean smtputf8;
  private ClientFacts client = ClientFacts.NONE;
  private String contentFilter = "";
  private boolean hold;
  private boolean discard;
  private Optional<String> redirect = Optional.empty();
  private List<Recipient> recipients = List.of();
  private ContentChecks checks;
  private ContentProcessor processor;
  private HeaderParser parser;
  private ContentLines lines;
  private ActionLogger logger;
  private Optional<Milters> sessionMilters = Optional.empty();

  CleanupTransaction(Cleanup cleanup, CleanupOrigin origin, QueueFileWriter writer) {
    this.cleanup = cleanup;
    this.settings = cleanup.settings();
    this.origin = origin;
    this.writer = writer;
    this.spool = new ContentSpool(cleanup.queues().directory(QueueName.TMP), SPOOL_MEMORY_LIMIT);
  }

  public QueueId queueId() {
    return writer.id();
  }

  /** The envelope sender; empty for the null sender {@code <>}. */
  public void sender(String address) {
    expectEnvelope();
    sender = Objects.requireNonNull(address, "address");
  }

  /** The sender's full name (sendmail -F), used in an added From: header. */
  public void fullName(String name) {
    expectEnvelope();
    fullName = Objects.requireNonNull(name, "name");
  }

  /**
   * One recipient as the client gave it, with its NOTIFY and ORCPT parameters. Its original
   * recipient is kept when present (a requeued message), else it is the address itself.
   */
  public void recipient(Recipient recipient) {
    expectEnvelope();
    received.add(Objects.requireNonNull(recipient, "recipient"));
  }

  /** The MAIL FROM RET and ENVID parameters (RFC 3461). */
  public void dsn(Optional<DsnRet> ret, Optional<String> envelopeId) {
    expectEnvelope();
    dsnRet = Objects.requireNonNull(ret, "ret");
    envid = Objects.requireNonNull(envelopeId, "envelopeId");
  }

  /** The MAIL FROM BODY parameter (RFC 6152). */
  public void bodyType(BodyType type) {
    expectEnvelope();
    bodyType = Optional.of(type);
  }

  /** MAIL FROM ... SMTPUTF8, or sendmail -O smtputf8=yes. */
  public void requestSmtputf8() {
    expectEnvelope();
    smtputf8 = true;
  }

  /** MAIL FROM ... REQUIRETLS inside TLS, or sendmail -O requiretls=yes (RFC 8689). */
  public void requestRequireTls() {
    expectEnvelope();
    requireTls = true;
  }

  /** What smtpd knew about the client, TLS protocol and cipher included. */
  public void client(ClientFacts facts) {
    expectEnvelope();
    client = Objects.requireNonNull(facts, "facts");
  }

  /** The caller's content_filter setting ({@code transport:destination}); a FILTER action wins. */
  public void contentFilter(String nexthop) {
    expectEnvelope();
    contentFilter = Objects.requireNonNull(nexthop, "nexthop");
  }

  /**
   * The client's message is to go to the hold queue: an smtpd access table HOLD, which Postfix
   * passes to cleanup as a flag ({@code reason} is logged by smtpd).
   */
  public void hold() {
    expectEnvelope();
    hold = true;
  }

  /** The message is to be discarded with success reported: an smtpd access table DISCARD. */
  public void discard() {
    expectEnvelope();
    discard = true;
  }

  /** All recipients are to be replaced by {@code address}: an smtpd access table REDIRECT. */
  public void redirect(String address) {
    expectEnvelope();
    redirect = Optional.of(Objects.requireNonNull(address, "address"));
  }

  /**
   * smtpd's milters for this message's content stages (the session owns and closes them).
   * Without them, a local submission goes to non_smtpd_milters.
   */
  public void milters(Milters milters) {
    expectEnvelope();
    sessionMilters = Optional.of(milters);
  }

  /** A further named attribute for the queue file (for example {@code rewrite_context}). */
  public void attribute(String name, String value) {
    expectEnvelope();
    attributes.put(name, value);
  }

  /** Everything an Envelope record holds at once: for pickup of a maildrop or requeued file. */
  public void envelope(Envelope e) {
    sender(e.sender());
    e.recipients().forEach(this::recipient);
    dsn(e.dsnRet(), e.envid());
    e.bodyType().ifPresent(this::bodyType);
    if (e.requireTls()) {
      requestRequireTls();
    }
    if (e.smtputf8()) {
      requestSmtputf8();
    }
    client(e.client());
    e.attributes().forEach(this::attribute);
  }

  /**
   * The content stream: header, empty line, body, with CRLF or LF line ends. Writes never fail
   * for cleanup's own reasons (the outcome comes from commit); the envelope is closed from here on.
   */
  public OutputStream content() {
    if (state == State.ENVELOPE) {
      startContent();
    } else if (state != State.CONTENT) {
      throw new IllegalStateException(queueId() + ": content after commit or abort");
    }
    return lines;
  }

  private void startContent() {
    state = State.CONTENT;
    String id = queueId().value();
    Envelopes env = new Envelopes(settings, origin, id, cleanup.log(), errors);
    env.rewrite(sender, received, cleanup.maps(), smtputf8 || settings.autodetectSmtputf8(origin.source()));
    sender = env.sender();
    recipients = env.recipients();
    logger = new ActionLogger(cleanup.log(), id, origin.logOrigin(), sender,
        env.lastRecipient(), client.protocol(), client.helo());
    checks = new ContentChecks(cleanup.headerChecks(), cleanup.bodyChecks(),
        origin.contentChecks(), logger, errors);
    boolean addMissing = origin.rewriteContext() == CleanupOrigin.RewriteContext.LOCAL
        || settings.alwaysAddMissingHeaders();
    ContentProcessor.Facts facts = new ContentProcessor.Facts(id, writer.arrivalTime(),
        cleanup.clock().getZone(), sender, fullName, addMissing,
        settings.autodetectSmtputf8(origin.source()));
    smtputf8 |= facts.autodetectSmtputf8() && env.nonAscii();
    requireTls |= requestedByPolicy(id);
    processor = new ContentProcessor(settings, facts, requireTls, checks, errors, logger, spool);
    parser = new HeaderParser(settings.headerSizeLimit(), processor);
    lines = new ContentLines(settings.lineLengthLimit(), parser);
  }

  /**
   * Whether {@code requiretls_request_maps} marks this message, logged with the table and key that
   * decided. Never asked when the sender asked for REQUIRETLS, nor for notices that Postern
   * generates (a bounce of a REQUIRETLS message goes out without it); a table that cannot answer
   * makes the message fail with a temporary error.
   */
  private boolean requestedByPolicy(String id) {
    RequireTlsRequest policy = cleanup.requireTlsRequest();
    CleanupOrigin.SourceClass source = origin.source();
    if (requireTls || policy.isEmpty() || source == CleanupOrigin.SourceClass.BOUNCE
        || source == CleanupOrigin.SourceClass.NOTIFY || source == CleanupOrigin.SourceClass.VERIFY) {
      return false;
    }
    try {
      Optional<RequireTlsRequest.Decision> d = policy.decide(new RequireTlsRequest.Message(
          attributes.getOrDefault(SASL_USERNAME, ""), sender,
          recipients.stream().map(Recipient::address).toList(), client.address()));
      if (d.isEmpty() || !d.get().request()) {
        return false;
      }
      cleanup.log().line(id + ": requiretls requested by policy: table=" + d.get().table()
          + " key=" + d.get().key());
      return true;
    } catch (TableException e) {
      cleanup.log().line("warning: " + id + ": requiretls_request_maps lookup problem: "
          + e.getMessage() + " -- message not accepted, try again later");
      errors.add(CleanupStatus.WRITE);
      return false;
    }
  }

  /** Ends the content and queues the message, or says why not. */
  public CleanupResult commit() throws IOException {
    content();
    lines.finish();
    parser.finish();
    state = State.DONE;
    try {
      if (!errors.any() && !discard && !checks.discard()) {
        Optional<CleanupResult> decided = runMilters();
        if (decided.isPresent()) {
          return decided.get();
        }
      }
      if (!errors.any() && (discard || checks.discard())) {
        return new CleanupResult.Discarded(queueId());
      }
      if (!errors.any() && recipients.isEmpty()) {
        errors.add(CleanupStatus.RCPT);
      }
      if (errors.any()) {
        return errors.result(queueId());
      }
      return write();
    } finally {
      abandon();
    }
  }

  /**
   * The milters: smtpd's session milters, or non_smtpd_milters for local submissions. Edits are
   * applied to the envelope and the spooled content; the REQUIRETLS mark is the envelope's and
   * no edit removes it (a deleted Require-TLS-ESMTP header comes back). Empty when the message
   * goes on.
   */
  private Optional<CleanupResult> runMilters() throws IOException {
    Optional<Milters> local = sessionMilters.isEmpty() && localSubmission()
        ? cleanup.openNonSmtpdMilters() : Optional.empty();
    Optional<Milters> chain = sessionMilters.or(() -> local);
    if (chain.isEmpty() || chain.get().isEmpty()) {
      return Optional.empty();
    }
    try {
      MilterInspection inspection = new MilterInspection(queueId(), logger, client,
          settings.myhostname());
      if (local.isPresent()) {
        Optional<MilterInspection.Outcome> early =
            inspection.emulateEnvelope(local.get(), sender, recipients);
        if (early.isPresent()) {
          return apply(early.get(), null);
        }
      }
      MilterEditor editor = MilterEditor.read(spool, origin.source() == CleanupOrigin.SourceClass.SMTPD,
          sender, recipients, rewriting(), logger);
      ContentChecks milterChecks = new ContentChecks(cleanup.milterHeaderChecks(), List.of(), true,
          logger, errors);
      editor.filter(header -> switch (milterChecks.header(header)) {
        case ContentChecks.Drop d -> Optional.empty();
        case ContentChecks.Replace r -> Optional.of(r.text());
        case ContentChecks.Prepend p -> Optional.of(header);
        case ContentChecks.Keep k -> Optional.of(header);
      });
      Optional<CleanupResult> decided = apply(inspection.inspect(chain.get(), editor,
          settings.messageSizeLimit(), sender,
          recipients.isEmpty() ? null : recipients.getLast().address()), editor);
      hold |= milterChecks.hold();
      discard |= milterChecks.discard();
      milterChecks.filter().ifPresent(f -> contentFilter = f);
      milterChecks.redirect().ifPresent(r -> redirect = Optional.of(r));
      return decided;
    } finally {
      local.ifPresent(Milters::close);
    }
  }

  private boolean localSubmission() {
    return origin.source() == CleanupOrigin.SourceClass.SENDMAIL
        || origin.source() == CleanupOrigin.SourceClass.QMQPD;
  }

  private Optional<CleanupResult> apply(MilterInspection.Outcome outcome, MilterEditor editor)
      throws IOException {
    return switch (outcome) {
      case MilterInspection.Outcome.Refused r -> Optional.of(r.result());
      case MilterInspection.Outcome.Discard d -> Optional.of(new CleanupResult.Discarded(queueId()));
      case MilterInspection.Outcome.Pass p -> {
        hold |= p.hold();
        if (editor != null) {
          commitEdits(editor);
        }
        yield Optional.empty();
      }
    };
  }

  private void commitEdits(MilterEditor editor) throws IOException {
    sender = editor.sender();
    recipients = editor.recipients();
    boolean marked = requireTls || processor.requireTls();
    if (marked && settings.requireTlsEsmtpHeader() && !editor.hasHeader(ContentProcessor.REQUIRE_TLS_ESMTP)) {
      editor.restoreHeader("Require-TLS-ESMTP: yes");
    }
    if (!editor.contentChanged()) {
      return;
    }
    ContentSpool edited = new ContentSpool(cleanup.queues().directory(QueueName.TMP), SPOOL_MEMORY_LIMIT);
    try {
      editor.writeTo(edited);
    } catch (IOException e) {
      edited.delete();
      throw e;
    }
    ContentSpool old = spool;
    spool = edited;
    old.delete();
  }

  private MilterEditor.Rewriting rewriting() {
    AddressRewriter rewriter = new AddressRewriter(cleanup.maps(), settings, queueId().value(),
        logger, errors);
    boolean map = origin.addressMappings();
    return new MilterEditor.Rewriting() {
      @Override
      public String sender(String address) {
        return map ? rewriter.sender(address) : rewriter.qualify(address);
      }

      @Override
      public List<String> recipient(String address) {
        String canonical = map ? rewriter.recipientCanonical(address) : rewriter.qualify(address);
        return map ? rewriter.virtualExpansion(canonical) : List.of(canonical);
      }
    };
  }

  private CleanupResult write() {
    QueueName target = hold || checks.hold() ? QueueName.HOLD : QueueName.INCOMING;
    try {
      writer.writeEnvelope(queuedEnvelope());
      spool.copyTo(writer.content());
      writer.commit(target, new ExtractedEnvelope(List.of(), processor.tlsRequiredNo()));
      return new CleanupResult.Queued(queueId(), target);
    } catch (IOException e) {
      cleanup.log().line("warning: " + queueId() + ": write queue file: " + e.getMessage());
      errors.add(Cleanup.writeStatus(e));
      return errors.result(queueId());
    } catch (IllegalArgumentException e) {
      cleanup.log().line("warning: " + queueId() + ": " + e.getMessage());
      errors.add(CleanupStatus.BAD);
      return errors.result(queueId());
    }
  }

  private Envelope queuedEnvelope() {
    Map<String, String> attrs = new HashMap<>(attributes);
    String filter = checks.filter().orElse(contentFilter);
    if (!filter.isEmpty()) {
      attrs.put(CONTENT_FILTER, filter);
    }
    checks.redirect().or(() -> redirect).ifPresent(r -> attrs.put(REDIRECT_TO, r));
    return new Envelope(sender, recipients, dsnRet, envid,
        requireTls || processor.requireTls(), smtputf8 || processor.smtputf8(), bodyType, client,
        attrs);
  }

  private void expectEnvelope() {
    if (state != State.ENVELOPE) {
      throw new IllegalStateException(queueId() + ": envelope change after content started");
    }
  }

  /** Abandons the message: no queue file, no spool file. Safe to call more than once. */
  public void abort() throws IOException {
    state = State.DONE;
    abandon();
  }

  private void abandon() throws IOException {
    try {
      writer.close();
    } finally {
      spool.delete();
    }
  }

  @Override
  public void close() throws IOException {
    abort();
  }
}
