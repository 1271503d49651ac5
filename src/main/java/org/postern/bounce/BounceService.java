package org.postern.bounce;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.deliver.MailSubmitter;
import org.postern.deliver.Notifier;
import org.postern.deliver.RecipientLog;
import org.postern.log.ProgramLog;
import org.postern.queue.BodyType;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueId;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

/**
 * Postfix's bounce(8) notification side: turns a message's bounce, defer or trace log into an
 * RFC 3464 report and queues it through cleanup ({@link MailSubmitter}, {@code NOTICE}).
 *
 * <p>Who gets what, as in Postfix. A message from a real sender: the sender gets a report with
 * the null sender, listing the recipients whose NOTIFY asked for it (no NOTIFY at all means
 * failure and delay); with {@code notify_classes} bounce (delay) the postmaster also gets a copy
 * with the headers only, from {@code double_bounce_sender@$myhostname}. A message from the null
 * sender (a bounce that bounced): with {@code notify_classes} bounce or 2bounce it goes, whole,
 * to {@code 2bounce_notice_recipient}; otherwise it is discarded. A message from the
 * double-bounce sender (a postmaster notice that failed) is discarded with a warning: never a
 * triple bounce. Success reports go to real senders only.
 *
 * <p>How much comes back: RET=HDRS, a delay warning, a success report, a postmaster copy, or a
 * message larger than {@code bounce_size_limit}: the header only. A REQUIRETLS message with
 * {@code requiretls_redact_dsn = yes}: the header only, and the report itself is queued without
 * REQUIRETLS (RFC 8689 section 5). {@code TLS-Required: no} on a message without REQUIRETLS is
 * carried into the report.
 *
 * <p>Failure: when the sender's report cannot be queued the IOException propagates and the log
 * stays for the next attempt; a failed postmaster copy is only logged. A bounce or trace log goes
 * once its report is queued (or when nobody is to be told); a defer log always stays.
 */
public final class BounceService implements Notifier {
  private final BounceSettings settings;
  private final Queues queues;
  private final MailSubmitter submitter;
  private final ProgramLog log;
  private final NotificationWriter writer;

  public BounceService(
      MainConfig config, Queues queues, MailSubmitter submitter, Clock clock, ProgramLog log) {
    this(BounceSettings.from(config), queues, submitter, clock, log);
  }

  BounceService(
      BounceSettings settings, Queues queues, MailSubmitter submitter, Clock clock,
      ProgramLog log) {
    this.settings = settings;
    this.queues = queues;
    this.submitter = submitter;
    this.log = log;
    this.writer = new NotificationWriter(settings, clock);
  }

  @Override
  public void bounce(QueueFile message) throws IOException {
    RecipientLog bounceLog = RecipientLog.bounce(queues);
    QueueId id = queueId(message);
    notifyFrom(NoticeType.FAILURE, id, message, bounceLog.read(id));
    bounceLog.delete(id);
  }

  @Override
  public void delayWarning(QueueFile message) throws IOException {
    QueueId id = queueId(message);
    notifyFrom(NoticeType.DELAY, id, message, RecipientLog.defer(queues).read(id));
  }

  @Override
  public void success(QueueFile message) throws IOException {
    RecipientLog trace = RecipientLog.trace(queues);
    QueueId id = queueId(message);
    List<RecipientLog.Entry> entries = trace.read(id);
    String sender = message.envelope().sender();
    if (TraceFlags.of(message.envelope()).userVerify()) {
      if (!sender.isEmpty() && !entries.isEmpty()) {
        send(new Notice(NoticeType.TRACE, id, message, sender, false, entries, true,
            redacted(message)), "", "sender");
      }
    } else if (!sender.isEmpty() && !isDoubleBounceSender(sender)) {
      List<RecipientLog.Entry> wanted = selected(entries, DsnNotify.SUCCESS);
      if (!wanted.isEmpty()) {
        send(new Notice(NoticeType.SUCCESS, id, message, sender, false, wanted, true,
            redacted(message)), sender, "sender");
      }
    }
    trace.delete(id);
  }

  private void notifyFrom(NoticeType type, QueueId id, QueueFile message,
      List<RecipientLog.Entry> entries) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    String sender = message.envelope().sender();
    if (isDoubleBounceSender(sender)) {
      log.warn(id + ": undeliverable postmaster notification discarded");
    } else if (sender.isEmpty()) {
      doubleBounce(type, id, message, entries);
    } else {
      List<RecipientLog.Entry> wanted = selected(entries, type.notifyKeyword());
      if (!wanted.isEmpty()) {
        boolean full = type == NoticeType.FAILURE
            && message.envelope().dsnRet().orElse(DsnRet.FULL) == DsnRet.FULL;
        send(notice(type, id, message, sender, false, wanted, full), "", "sender");
      }
      postmasterCopy(type, id, message, entries);
    }
  }

  /** The original was itself a notification: the postmaster hears of it, or nobody does. */
  private void doubleBounce(NoticeType type, QueueId id, QueueFile message,
      List<RecipientLog.Entry> entries) throws IOException {
    Optional<String> postmaster = switch (type) {
      case FAILURE -> settings.notifies("bounce") || settings.notifies("2bounce")
          ? Optional.of(settings.twoBounceNoticeRecipient()) : Optional.empty();
      case DELAY -> settings.notifies("delay")
          ? Optional.of(settings.delayNoticeRecipient()) : Optional.empty();
      case SUCCESS, TRACE -> Optional.empty();
    };
    if (postmaster.isPresent()) {
      send(notice(type, id, message, postmaster.get(), true, entries, true),
          settings.doubleBounceAddress(), "postmaster");
    }
  }

  /** The optional headers-only copy for the postmaster; its failure costs only a warning. */
  private void postmasterCopy(NoticeType type, QueueId id, QueueFile message,
      List<RecipientLog.Entry> entries) {
    String postmaster;
    if (type == NoticeType.FAILURE && settings.notifies("bounce")) {
      postmaster = settings.bounceNoticeRecipient();
    } else if (type == NoticeType.DELAY && settings.notifies("delay")) {
      postmaster = settings.delayNoticeRecipient();
    } else {
      return;
    }
    try {
      send(notice(type, id, message, postmaster, true, entries, false),
          settings.doubleBounceAddress(), "postmaster");
    } catch (IOException e) {
      log.warn(id + ": postmaster notice failed while "
          + (type == NoticeType.FAILURE ? "bouncing to " : "warning ")
          + message.envelope().sender() + ": " + e.getMessage());
    }
  }

  private Notice notice(NoticeType type, QueueId id, QueueFile message, String to,
      boolean postmasterCopy, List<RecipientLog.Entry> entries, boolean full) {
    boolean redacted = redacted(message);
    boolean tooBig = settings.bounceSizeLimit() > 0
        && (message.messageSize() <= 0 || message.messageSize() > settings.bounceSizeLimit());
    boolean headersOnly = !full || redacted || tooBig;
    return new Notice(type, id, message, to, postmasterCopy, entries, headersOnly, redacted);
  }

  private boolean redacted(QueueFile message) {
    return settings.redactDsn() && message.envelope().requireTls();
  }

  private void send(Notice notice, String from, String audience) throws IOException {
    Envelope original = notice.original().envelope();
    Envelope envelope = new Envelope(
        from,
        List.of(Recipient.of(notice.to())),
        Optional.empty(),
        Optional.empty(),
        original.requireTls() && !settings.redactDsn(),
        original.smtputf8(),
        Optional.of(BodyType.EIGHT_BIT_MIME),
        ClientFacts.NONE,
        Map.of());
    QueueId newId = submitter.submit(
        MailSubmitter.Kind.NOTICE, envelope, out -> writer.write(notice, out));
    log.info(notice.queueId() + ": " + audience + " " + notice.type().logWord()
        + " notification: " + newId);
  }

  /** RFC 3461: recipients without NOTIFY get failure and delay reports, never success ones. */
  private static List<RecipientLog.Entry> selected(List<RecipientLog.Entry> entries,
      DsnNotify wanted) {
    return entries.stream()
        .filter(e -> e.notifyFlags().isEmpty()
            ? wanted != DsnNotify.SUCCESS
            : e.notifyFlags().contains(wanted))
        .toList();
  }

  private boolean isDoubleBounceSender(String sender) {
    return sender.equalsIgnoreCase(settings.doubleBounceAddress());
  }

  private static QueueId queueId(QueueFile message) {
    return message.id().orElseThrow(() -> new IllegalArgumentException(
        "bounce: queue file name is not a queue id: " + message.path()));
  }
}
