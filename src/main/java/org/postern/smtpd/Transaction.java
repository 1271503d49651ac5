package org.postern.smtpd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One mail transaction: from MAIL FROM to the end of DATA, the last BDAT chunk, or RSET, after
 * which the session drops it. While content arrives it also holds where the content goes (cleanup,
 * or the before-queue filter's session opened at the first RCPT) and the first failure, which every
 * later BDAT chunk reports.
 */
final class Transaction {
  private final MailAddress sender;
  private final EsmtpParameters.Mail parameters;
  private final Instant arrival;
  private final List<Envelope.Recipient> recipients = new ArrayList<>();
  private MessageOut out;
  private Optional<ProxySession> proxy = Optional.empty();
  private long received;
  private boolean lineOpen;
  private Optional<Reply> failure = Optional.empty();
  private boolean chunking;
  private long size;
  private boolean pendingCr;
  private Function<Optional<String>, Optional<Reply>> endOfData = queueId -> Optional.empty();

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
  void endOfData(Function<Optional<String>, Optional<Reply>> check) {
    endOfData = check;
  }

  Optional<Reply> checkEndOfData(Optional<String> queueId) {
    return endOfData.apply(queueId);
  }

  Instant arrival() {
    return arrival;
  }

  /** The first accepted recipient, for reply footers' {@code $recipient}. */
  Optional<String> firstRecipient() {
    return recipients.isEmpty() ? Optional.empty() : Optional.of(recipients.get(0).address());
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

  Optional<MessageOut> out() {
    return Optional.ofNullable(out);
  }

  void out(MessageOut out) {
    this.out = out;
  }

  /** The before-queue filter's session, once the first RCPT opened it. */
  Optional<ProxySession> proxy() {
    return proxy;
  }

  void proxy(ProxySession session) {
    proxy = Optional.of(session);
  }

  /** Content bytes the client has sent so far, for "lost connection after DATA (N bytes)". */
  long received() {
    return received;
  }

  void received(long bytes) {
    received += bytes;
  }

  /** Whether the content so far ends inside a line (no LF yet). */
  void lineOpen(boolean open) {
    lineOpen = open;
  }

  /**
   * The message size as Postfix's smtpd counts it ({@code act_size}) for its BDAT reply: the
   * content with CRLF line ends, a last line without one counted as if it had it.
   */
  long actualSize() {
    return received + (lineOpen ? 2 : 0);
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

  /** Discards anything written so far and ends the filter's session, if any. */
  void abort() {
    if (out != null) {
      out.abort();
      out = null;
    }
    proxy.ifPresent(ProxySession::close);
    proxy = Optional.empty();
  }
}
