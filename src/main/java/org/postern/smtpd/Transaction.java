package org.postern.smtpd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One mail transaction: from MAIL FROM to the end of DATA, the last BDAT chunk, or RSET, after
 * which the session drops it. While BDAT chunks arrive it also holds the open cleanup stream and
 * the first failure, which every later chunk reports.
 */
final class Transaction {
  private final MailAddress sender;
  private final EsmtpParameters.Mail parameters;
  private final Instant arrival;
  private final List<Envelope.Recipient> recipients = new ArrayList<>();
  private CleanupStream stream;
  private Optional<Reply> failure = Optional.empty();
  private boolean chunking;
  private long size;
  private boolean pendingCr;
  private Function<String, Optional<Reply>> endOfData = queueId -> Optional.empty();

  Transaction(MailAddress sender, EsmtpParameters.Mail parameters, Instant arrival) {
    this.sender = sender;
    this.parameters = parameters;
    this.arrival = arrival;
  }

  EsmtpParameters.Mail parameters() {
    return parameters;
  }

  void addRecipient(Envelope.Recipient recipient) {
    recipients.add(recipient);
  }

  int recipientCount() {
    return recipients.size();
  }

  Envelope envelope(Envelope.Client client, Optional<Envelope.Tls> tls, Envelope.Actions actions) {
    return new Envelope(
        sender.internal(),
        recipients,
        parameters.ret(),
        parameters.envid(),
        parameters.body(),
        parameters.smtputf8(),
        parameters.requireTls(),
        client,
        tls,
        arrival,
        actions);
  }

  /** The end-of-data restrictions, given the queue id; empty when they permit. */
  void endOfData(Function<String, Optional<Reply>> check) {
    endOfData = check;
  }

  Optional<Reply> checkEndOfData(String queueId) {
    return endOfData.apply(queueId);
  }

  Instant arrival() {
    return arrival;
  }

  /** The only recipient, for the Received: header's "for" clause. */
  Optional<String> soleRecipient() {
    return recipients.size() == 1 ? Optional.of(recipients.get(0).address()) : Optional.empty();
  }

  /** BDAT has been used: DATA is no longer allowed in this transaction. */
  boolean chunking() {
    return chunking;
  }

  void startChunking() {
    chunking = true;
  }

  Optional<CleanupStream> stream() {
    return Optional.ofNullable(stream);
  }

  void stream(CleanupStream stream) {
    this.stream = stream;
  }

  Optional<Reply> failure() {
    return failure;
  }

  /** Remembers the first failure; later ones do not replace it. */
  void fail(Reply reply) {
    if (failure.isEmpty()) {
      failure = Optional.of(reply);
    }
  }

  /** Counts content bytes against message_size_limit; false once the limit is exceeded. */
  boolean addSize(long bytes, long limit) {
    size += bytes;
    return limit <= 0 || size <= limit;
  }

  /** The last BDAT byte was a CR, so an LF opening the next chunk ends a proper CRLF. */
  boolean pendingCr() {
    return pendingCr;
  }

  void pendingCr(boolean cr) {
    pendingCr = cr;
  }

  /** Discards anything written to cleanup so far. */
  void abort() {
    if (stream != null) {
      stream.abort();
      stream = null;
    }
  }
}
