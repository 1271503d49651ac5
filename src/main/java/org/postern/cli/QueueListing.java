package org.postern.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.postern.deliver.MailCopy;
import org.postern.deliver.RecipientLog;
import org.postern.queue.CorruptQueueFileException;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/**
 * What Postfix's showq(8) reports about the mail queue, read straight from the queue directory:
 * every message in maildrop, active, incoming, deferred and hold (showq's order), with its
 * sender and pending recipients, and for each recipient the latest reason from its defer log.
 *
 * <p>Recipients with a deferral reason come first, as showq lists the defer log before the queue
 * file; Postern's defer log keeps every attempt, so only the latest entry of each pending
 * recipient counts and recipients delivered since are left out. Addresses are shown with the
 * local part quoted where RFC 5321 needs it and control characters replaced by {@code ?}; the
 * null sender is shown as {@code empty_address_recipient}.
 *
 * <p>Failure: a file that vanished while the queue was read is skipped silently (qmgr or
 * postsuper moved it); a corrupt file is skipped with a warning and left where it is, because
 * listing the queue changes nothing. Other I/O errors propagate.
 */
final class QueueListing {
  /** The queues in the order showq scans them. */
  static final List<QueueName> QUEUES = List.of(QueueName.MAILDROP, QueueName.ACTIVE,
      QueueName.INCOMING, QueueName.DEFERRED, QueueName.HOLD);

  /**
   * One pending recipient: its original address (the queue file's, else the address, as Postfix
   * 3.11's showq), its address, and {@code reason}, empty when no deferral was logged.
   */
  record Rcpt(String origAddress, String address, String reason) {}

  /** One message as listed. */
  record Message(QueueName queue, QueueId id, Instant arrival, long size, String sender,
      List<Rcpt> recipients) {
    Message {
      recipients = List.copyOf(recipients);
    }
  }

  private final Queues queues;
  private final String emptyAddress;
  private final Consumer<String> warn;

  QueueListing(Queues queues, String emptyAddress, Consumer<String> warn) {
    this.queues = queues;
    this.emptyAddress = emptyAddress;
    this.warn = warn;
  }

  /** Every readable message, queue by queue, by queue id within a queue. */
  List<Message> read() throws IOException {
    List<Message> messages = new ArrayList<>();
    for (QueueName queue : QUEUES) {
      List<Queues.Located> files = new ArrayList<>(queues.list(queue));
      files.sort(Comparator.comparing(f -> f.id().value()));
      for (Queues.Located f : files) {
        try {
          messages.add(message(f, QueueFileReader.open(f.path())));
        } catch (NoSuchFileException e) {
          // moved on by qmgr or removed by postsuper while we looked
        } catch (CorruptQueueFileException e) {
          warn.accept(f.id() + ": " + e.getMessage());
        }
      }
    }
    return messages;
  }

  private Message message(Queues.Located f, QueueFileReader reader) throws IOException {
    QueueFile q;
    try (reader) {
      q = reader.queueFile();
    }
    String sender = q.envelope().sender().isEmpty() ? emptyAddress : q.envelope().sender();
    return new Message(f.queue(), f.id(), q.arrivalTime(), q.messageSize(), display(sender),
        recipients(f.id(), q.pendingRecipients()));
  }

  private List<Rcpt> recipients(QueueId id, List<Recipient> pending) throws IOException {
    Map<Long, String> reasons = new HashMap<>();
    for (RecipientLog.Entry e : RecipientLog.defer(queues).read(id)) {
      reasons.put(e.offset(), e.text()); // later attempts overwrite earlier ones
    }
    List<Rcpt> withReason = new ArrayList<>();
    List<Rcpt> without = new ArrayList<>();
    for (Recipient r : pending) {
      String reason = reasons.getOrDefault(r.offset(), "");
      Rcpt shown = new Rcpt(display(r.originalRecipient().orElse(r.address())), display(r.address()),
          printable(reason));
      (reason.isEmpty() ? without : withReason).add(shown);
    }
    withReason.addAll(without);
    return withReason;
  }

  /** An address as showq prints it: quoted local part, control characters as {@code ?}. */
  static String display(String address) {
    return printable(MailCopy.quoteLocalPart(address));
  }

  /** Postfix's printable(): control characters become {@code ?}; UTF-8 passes. */
  static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
