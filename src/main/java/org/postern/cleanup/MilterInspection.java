package org.postern.cleanup;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.milter.Macros;
import org.postern.milter.MilterReply;
import org.postern.milter.Milters;
import org.postern.milter.Verdict;
import org.postern.queue.CleanupReply;
import org.postern.queue.ClientFacts;
import org.postern.queue.QueueId;
import org.postern.queue.Recipient;

/**
 * The milters' part of cleanup, at end of data: for local submissions ({@code
 * non_smtpd_milters}) the emulated SMTP events first (connect from localhost [127.0.0.1], EHLO,
 * MAIL, one RCPT per recipient, DATA), then for every message the content stages through {@link
 * Milters#message}, and Postfix's log line for the decision: {@code ID: milter-reject:
 * END-OF-MESSAGE from host[addr]: 5.7.1 text; from=<s> to=<r> proto=ESMTP helo=<h>}, {@code
 * milter-hold} and {@code milter-discard} alike.
 *
 * <p>Failure: a refusal becomes {@link CleanupResult.Rejected} (5xx) or {@link
 * CleanupResult.Failed} (4xx, 421 included), with the milter's reply. A milter that rejects a
 * recipient of a local submission is a configuration error (4.3.5), as in Postfix: a local
 * submission has no recipient to reject alone.
 */
final class MilterInspection {
  /** What the milters decided for the message. */
  sealed interface Outcome {
    /** Keep the message (edits applied); {@code hold} after a quarantine. */
    record Pass(boolean hold) implements Outcome {}

    record Discard() implements Outcome {}

    record Refused(CleanupResult result) implements Outcome {}
  }

  private final QueueId id;
  private final ActionLogger log;
  private final String clientName;
  private final String clientAddress;
  private final String myhostname;

  MilterInspection(QueueId id, ActionLogger log, ClientFacts client, String myhostname) {
    this.id = id;
    this.log = log;
    boolean local = client.name().isEmpty() || client.address().isEmpty();
    this.clientName = local ? "localhost" : client.name();
    this.clientAddress = local ? "127.0.0.1" : client.address();
    this.myhostname = myhostname;
  }

  /** The SMTP events a local submission never had, as Postfix emulates them. */
  Optional<Outcome> emulateEnvelope(Milters milters, String sender, List<Recipient> recipients) {
    Macros macros = macros(sender, null);
    Verdict v = milters.connect(clientName, clientAddress, 0, macros);
    if (!(v instanceof Verdict.Continue)) {
      return decided(v, "CONNECT");
    }
    v = milters.helo(clientName, macros);
    if (!(v instanceof Verdict.Continue)) {
      return decided(v, "EHLO");
    }
    v = milters.mail(List.of(sender), macros);
    if (!(v instanceof Verdict.Continue)) {
      return decided(v, "MAIL");
    }
    for (Recipient r : recipients) {
      v = milters.rcpt(List.of(r.address()), macros(sender, r.address()));
      if (v instanceof Verdict.Refuse) {
        log.warning(id + ": milter configuration error: can't reject recipient in non-smtpd(8) submission");
        log.warning(id + ": message not accepted, try again later");
        return Optional.of(new Outcome.Refused(new CleanupResult.Failed(id,
            new CleanupReply(451, "4.3.5", "Server configuration error"))));
      }
      if (!(v instanceof Verdict.Continue)) {
        return decided(v, "RCPT");
      }
    }
    v = milters.data(macros);
    return v instanceof Verdict.Continue ? Optional.empty() : decided(v, "DATA");
  }

  /** The content stages; the editor has the edits applied when the message passes. */
  Outcome inspect(Milters milters, MilterEditor editor, long bodyLimit, String sender,
      String lastRecipient) {
    Verdict v = milters.message(editor, macros(sender, lastRecipient), bodyLimit);
    return decided(v, "END-OF-MESSAGE").orElse(new Outcome.Pass(false));
  }

  private Optional<Outcome> decided(Verdict v, String event) {
    return switch (v) {
      case Verdict.Continue c -> Optional.empty();
      case Verdict.Hold h -> {
        log("milter-hold", event, h.reason().isEmpty() ? "milter triggers HOLD action" : h.reason());
        yield Optional.of(new Outcome.Pass(true));
      }
      case Verdict.Discard d -> {
        log("milter-discard", event, "milter triggers DISCARD action");
        yield Optional.of(new Outcome.Discard());
      }
      case Verdict.Refuse r -> {
        MilterReply reply = r.reply();
        log("milter-reject", event, reply.logText().substring(4));
        List<String> lines = reply.lines();
        CleanupReply answer = new CleanupReply(reply.code(), reply.enhanced(), lines.get(0),
            lines.subList(1, lines.size()));
        yield Optional.of(new Outcome.Refused(reply.temporary()
            ? new CleanupResult.Failed(id, answer) : new CleanupResult.Rejected(id, answer)));
      }
    };
  }

  private void log(String action, String event, String text) {
    log.milter(action, event, clientName + "[" + clientAddress + "]", text);
  }

  private Macros macros(String sender, String recipient) {
    Map<String, String> known = new java.util.HashMap<>(Map.of(
        "{i}", id.toString(),
        "{j}", myhostname,
        "{_}", clientName + " [" + clientAddress + "]",
        "{client_name}", clientName,
        "{client_addr}", clientAddress,
        "{client_ptr}", clientName,
        "{mail_addr}", sender));
    if (recipient != null) {
      known.put("{rcpt_addr}", recipient);
    }
    return name -> Optional.ofNullable(known.get(name));
  }
}
