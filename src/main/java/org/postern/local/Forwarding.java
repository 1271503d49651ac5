package org.postern.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.MailSubmitter;
import org.postern.queue.DsnNotify;
import org.postern.queue.Envelope;
import org.postern.queue.QueueId;
import org.postern.queue.Recipient;

/**
 * Postfix's {@code forward(3)}: every address an expansion found goes out in one new message
 * through cleanup ({@link MailSubmitter.Kind#FORWARD}), with the original envelope sender, DSN
 * RET and ENVID, the REQUIRETLS and SMTPUTF8 marks and the client facts; each new recipient keeps
 * the original recipient's ORCPT and original address, and its NOTIFY without SUCCESS (the
 * expansion itself is what a success notice reports). The content gets a {@code Received:} and a
 * {@code Delivered-To:} header in front; the {@code TLS-Required: no} header travels in the
 * content, where cleanup finds it again.
 *
 * <p>The {@code Received:} header has no {@code id} clause: Postfix names the new queue id there,
 * which is only known once {@link MailSubmitter#submit} returns.
 *
 * <p>Failure: when another target of the recipient was deferred nothing is forwarded (the whole
 * expansion is tried again later, as Postfix cancels the forward); a submission that fails is a
 * 4.3.0 deferral.
 */
final class Forwarding {
  private static final DateTimeFormatter MAIL_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx '('zzz')'", Locale.US);

  private final LocalContext ctx;
  private final DeliveryRequest request;
  private final Recipient recipient;
  private final MessageCopy copy;

  Forwarding(LocalContext ctx, DeliveryRequest request, Recipient recipient, MessageCopy copy) {
    this.ctx = ctx;
    this.request = request;
    this.recipient = recipient;
    this.copy = copy;
  }

  /** Forwards to {@code addresses} unless an outcome so far is a deferral; adds the outcome. */
  void send(List<String> addresses, List<Outcome> outcomes) {
    if (addresses.isEmpty() || outcomes.stream().anyMatch(o -> o instanceof Outcome.Deferred)) {
      return;
    }
    Envelope original = request.message().envelope();
    Set<DsnNotify> notify = notify(recipient.notifyFlags());
    List<Recipient> recipients = addresses.stream()
        .map(a -> new Recipient(a, recipient.originalRecipient(), recipient.dsnOrcpt(), notify,
            false, -1))
        .toList();
    Envelope envelope = new Envelope(original.sender(), recipients, original.dsnRet(),
        original.envid(), original.requireTls(), original.smtputf8(), original.bodyType(),
        original.client(), original.attributes());
    try {
      QueueId id = ctx.submitter().submit(MailSubmitter.Kind.FORWARD, envelope, this::write);
      outcomes.add(new Outcome.Sent("2.0.0", "forwarded as " + id, true));
    } catch (IOException e) {
      outcomes.add(Outcome.deferred("4.3.0", "cannot forward message: " + e.getMessage()));
    }
  }

  private void write(OutputStream out) throws IOException {
    LocalSettings s = ctx.settings();
    StringBuilder head = new StringBuilder()
        .append("Received: by ").append(s.myhostname()).append(" (").append(s.mailName())
        .append(");\n\t").append(MAIL_DATE.format(ZonedDateTime.now(ctx.clock()))).append('\n');
    if (s.prependDeliveredHeader().contains("forward")) {
      head.append("Delivered-To: ").append(recipient.address().toLowerCase(Locale.ROOT)).append('\n');
    }
    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
    copy.writeContent(out);
  }

  /** NOTIFY for the new recipients: SUCCESS removed; SUCCESS alone becomes NEVER. */
  private static Set<DsnNotify> notify(Set<DsnNotify> flags) {
    if (flags.isEmpty()) {
      return flags;
    }
    EnumSet<DsnNotify> rest = EnumSet.copyOf(flags);
    rest.remove(DsnNotify.SUCCESS);
    return rest.isEmpty() ? EnumSet.of(DsnNotify.NEVER) : rest;
  }
}
