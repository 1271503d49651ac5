package org.postern.smtpd;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.milter.Milters;

/**
 * The mail transaction commands of a session: MAIL, RCPT, DATA, BDAT (RFC 3030) and VRFY, with
 * Postfix's sequence checks and replies. DATA and BDAT do not mix in one transaction: DATA after
 * BDAT gets {@code 503 5.5.1}, and BDAT without a transaction still reads (and drops) its chunk so
 * that the chunk's bytes are never taken for commands.
 *
 * <p>With {@code smtpd_proxy_filter} set, the first accepted RCPT opens a session to the
 * before-queue filter and sends it the client's MAIL FROM (every ESMTP parameter except the
 * REQUIRETLS verb, which travels as a header instead); each RCPT and the DATA then go to the
 * filter and its replies go to the client. The filter, not this smtpd, queues the message.
 */
final class TransactionCommands {
  private final SmtpdSession session;
  private final SmtpdSettings settings;
  private final MessageReceiver receiver;
  private final SmtpdCheck check;
  private Transaction transaction;
  private String where = "CONNECT";
  /** The transaction whose content is being read, for the byte count in "lost connection". */
  private Transaction content;
  private String proxyMail;
  private Optional<Reply> accessDenied = Optional.empty();

  TransactionCommands(
      SmtpdSession session, SmtpdSettings settings, MessageReceiver receiver, SmtpdCheck check) {
    this.session = session;
    this.settings = settings;
    this.receiver = receiver;
    this.check = check;
  }

  /**
   * Client restrictions at connect time ({@code smtpd_delay_reject = no}): a refusal is remembered
   * and answers every later MAIL, RCPT and VRFY, as Postfix does.
   */
  void connect() {
    accessDenied = check.connect();
  }

  /** The last command seen, for "lost connection after X" log lines; DATA content with its size. */
  String where() {
    return content == null ? where : where + " (" + content.received() + " bytes)";
  }

  void where(String verb) {
    where = verb;
    content = null;
  }

  /** The first accepted recipient of the current transaction. */
  Optional<String> firstRecipient() {
    return transaction == null ? Optional.empty() : transaction.firstRecipient();
  }

  boolean inTransaction() {
    return transaction != null;
  }

  /** Ends the transaction (RSET, HELO/EHLO, STARTTLS, end of session), discarding any content. */
  void dropTransaction() {
    if (transaction != null) {
      transaction.abort();
      transaction = null;
      session.milters().ifPresent(SmtpdMilters::abort);
    }
    check.state.resetTransaction();
  }

  void mail(CommandLine cmd) throws ReplyException {
    if (settings.heloRequired() && !session.heloSeen()) {
      throw new ReplyException(503, "5.5.1", "Error: send HELO/EHLO first");
    }
    if (transaction != null && transaction.chunking()) {
      throw new ReplyException(503, "5.5.1", "Error: MAIL after BDAT");
    }
    if (transaction != null) {
      throw new ReplyException(503, "5.5.1", "Error: nested MAIL command");
    }
    CommandLine.PathArgument arg =
        cmd.path("FROM")
            .orElseThrow(() -> new ReplyException(501, "5.5.4", "Syntax: MAIL FROM:<address>"));
    MailAddress sender = address(arg.path(), "501", "5.1.7", "Bad sender address syntax");
    EsmtpParameters.Mail params = EsmtpParameters.parseMail(arg.parameters(), allowed());
    long limit = settings.messageSizeLimit();
    if (limit > 0 && params.size().orElse(0) > limit) {
      throw new ReplyException(552, "5.3.4", "Message size exceeds fixed limit");
    }
    if (!sender.isAscii() && !params.smtputf8()) {
      throw new ReplyException(553, "5.6.7", "Must declare SMTPUTF8 to send unicode address");
    }
    refuseIfDenied();
    check.state.resetTransaction();
    check.state.sender = sender.internal();
    // Postfix keeps AUTH= (made printable) even from a client that is not logged in.
    check.state.saslSender = session.sasl().isPresent()
        ? params.authSender().map(CommandLine::printable).orElse(null)
        : null;
    Optional<Reply> refused = check.mail();
    if (refused.isPresent()) {
      check.state.sender = null;
      throw new ReplyException(refused.get());
    }
    Optional<Reply> milterRefused = session.milters()
        .flatMap(m -> m.mail(milterArgs(arg)));
    if (milterRefused.isPresent()) {
      check.state.resetTransaction();
      throw new ReplyException(milterRefused.get());
    }
    transaction = new Transaction(sender, params, session.clock().instant());
    check.state.begin(transaction);
    proxyMail = "MAIL FROM:" + arg.path() + arg.parameters().stream()
        .filter(p -> !p.equalsIgnoreCase("REQUIRETLS"))
        .map(p -> " " + p)
        .collect(java.util.stream.Collectors.joining());
    session.writer().reply(Reply.of(250, "2.1.0", "Ok"));
  }

  void rcpt(CommandLine cmd, String line) throws ReplyException {
    if (transaction == null) {
      throw new ReplyException(503, "5.5.1", "Error: need MAIL command");
    }
    // The envelope went to cleanup with the first chunk: a later recipient would be lost.
    if (transaction.chunking()) {
      throw new ReplyException(503, "5.5.1", "Error: RCPT after BDAT");
    }
    CommandLine.PathArgument arg =
        cmd.path("TO")
            .orElseThrow(() -> new ReplyException(501, "5.5.4", "Syntax: RCPT TO:<address>"));
    MailAddress rcpt = address(arg.path(), "501", "5.1.3", "Bad recipient address syntax");
    if (rcpt.isNull()) {
      throw new ReplyException(501, "5.1.3", "Bad recipient address syntax");
    }
    EsmtpParameters.Rcpt params = EsmtpParameters.parseRcpt(arg.parameters(), allowed());
    if (!rcpt.isAscii() && !transaction.parameters().smtputf8()) {
      throw new ReplyException(553, "5.6.7", "Must declare SMTPUTF8 to send unicode address");
    }
    if (transaction.recipientCount() >= settings.recipientLimit()) {
      session.writer().replyUncounted(Reply.of(452, "4.5.3", "Error: too many recipients"));
      return;
    }
    refuseIfDenied();
    Optional<Reply> refused = check.rcpt(rcpt);
    if (refused.isPresent()) {
      throw new ReplyException(refused.get());
    }
    Optional<Reply> milterRefused = session.milters()
        .flatMap(m -> m.rcpt(rcpt.internal(), milterArgs(arg)));
    if (milterRefused.isPresent()) {
      throw new ReplyException(milterRefused.get());
    }
    String given = arg.path().startsWith("<") ? arg.path().substring(1, arg.path().length() - 1) : arg.path();
    Envelope.Orcpt orcpt = params.orcpt().orElse(new Envelope.Orcpt("rfc822", given));
    Reply accepted = Reply.of(250, "2.1.5", "Ok");
    if (settings.proxyFilter().isPresent()) {
      accepted = proxyRcpt(line);
      if (accepted.isError()) {
        throw new ReplyException(accepted);
      }
    }
    transaction.addRecipient(new Envelope.Recipient(rcpt.internal(), params.dsnNotify(), orcpt));
    session.writer().reply(accepted);
  }

  /** Opens the filter's session at the first RCPT (MAIL FROM first), then relays this RCPT. */
  private Reply proxyRcpt(String line) throws ReplyException {
    try {
      if (transaction.proxy().isEmpty()) {
        ProxySession proxy = ProxySession.open(settings.proxyFilter().orElseThrow());
        Reply mail = proxy.command(proxyMail);
        if (mail.isError()) {
          proxy.close();
          return mail;
        }
        transaction.proxy(proxy);
      }
      return transaction.proxy().get().command(line.strip());
    } catch (ProxySession.ProxyException e) {
      check.state.warning(e.getMessage());
      throw new ReplyException(ProxySession.UNAVAILABLE);
    }
  }

  void data(CommandLine cmd, SmtpInput input) throws IOException, ReplyException {
    if (transaction != null && transaction.chunking()) {
      throw new ReplyException(503, "5.5.1", "Error: DATA after BDAT");
    }
    requireRecipients();
    if (!cmd.argument().isEmpty()) {
      throw new ReplyException(501, "5.5.4", "Syntax: DATA");
    }
    Optional<Reply> refused = check.data();
    if (refused.isPresent()) {
      throw new ReplyException(refused.get());
    }
    Optional<Reply> milterRefused = session.milters().flatMap(SmtpdMilters::data);
    if (milterRefused.isPresent()) {
      throw new ReplyException(milterRefused.get());
    }
    Transaction tx = transaction;
    tx.endOfData(this::endOfData);
    if (!receiver.open(tx, envelope(), milterChain())) {
      dropTransaction();
      throw new ReplyException(tx.failure().orElseThrow());
    }
    session.writer().reply(Reply.plain(354, "End data with <CR><LF>.<CR><LF>"));
    content = tx;
    try {
      receiver.data(tx, input, session.writer());
    } finally {
      transaction = null;
      // As Postfix's mail_reset(): the milters hear ABORT after every message, sent or not.
      session.milters().ifPresent(SmtpdMilters::abort);
    }
    where("END-OF-MESSAGE");
  }

  void bdat(CommandLine cmd, SmtpInput input) throws IOException, ReplyException {
    List<String> words = cmd.words();
    long size = chunkSize(words);
    boolean last = words.size() == 2;
    if (settings.discardedKeywords().contains(EhloKeyword.CHUNKING)) {
      MessageReceiver.skip(input, size);
      throw new ReplyException(502, "5.5.1", "Error: command not implemented");
    }
    if (transaction == null || transaction.recipientCount() == 0) {
      MessageReceiver.skip(input, size);
      requireRecipients();
    }
    Transaction tx = transaction;
    if (!tx.chunking()) {
      // The first chunk is the DATA event for the milters, as in Postfix's bdat_cmd().
      Optional<Reply> milterRefused = session.milters().flatMap(SmtpdMilters::data);
      if (milterRefused.isPresent()) {
        MessageReceiver.skip(input, size);
        dropTransaction();
        throw new ReplyException(milterRefused.get());
      }
    }
    tx.endOfData(this::endOfData);
    tx.startChunking();
    content = tx;
    try {
      receiver.chunk(tx, this::envelope, milterChain(), size, last, input, session.writer());
    } catch (IOException e) {
      transaction = null;
      throw e;
    }
    content = null;
    if (last) {
      transaction = null;
      session.milters().ifPresent(SmtpdMilters::abort);
    }
  }

  /** Parses {@code BDAT size [LAST]}; a bad count cannot be skipped, so the session must end. */
  private long chunkSize(List<String> words) throws ReplyException {
    boolean ok =
        (words.size() == 1 || words.size() == 2 && words.get(1).toUpperCase(Locale.ROOT).equals("LAST"))
            && words.get(0).matches("[0-9]{1,18}");
    if (!ok) {
      dropTransaction();
      throw new ReplyException(521, "5.5.4", "Syntax: BDAT count [LAST]");
    }
    return Long.parseLong(words.get(0));
  }

  void vrfy(CommandLine cmd) throws ReplyException {
    if (settings.disableVrfy()) {
      throw new ReplyException(502, "5.5.1", "VRFY command is disabled");
    }
    if (cmd.argument().isEmpty()) {
      throw new ReplyException(501, "5.5.4", "Syntax: VRFY address");
    }
    MailAddress address = address(cmd.argument(), "501", "5.1.3", "Bad recipient address syntax");
    if (address.isNull()) {
      throw new ReplyException(501, "5.1.3", "Bad recipient address syntax");
    }
    refuseIfDenied();
    Optional<Reply> refused = check.rcpt(address);
    if (refused.isPresent()) {
      throw new ReplyException(refused.get());
    }
    session.writer().reply(Reply.of(252, "2.0.0", cmd.argument()));
  }

  private void refuseIfDenied() throws ReplyException {
    if (accessDenied.isPresent()) {
      throw new ReplyException(accessDenied.get());
    }
  }

  /** smtpd_end_of_data_restrictions, once the content is in and before it is committed. */
  private Optional<Reply> endOfData(Optional<String> queueId) {
    check.state.queueId = queueId.orElse(null);
    check.state.where = "END-OF-MESSAGE";
    return check.endOfData();
  }

  private void requireRecipients() throws ReplyException {
    if (transaction == null) {
      throw new ReplyException(503, "5.5.1", "Error: need RCPT command");
    }
    if (transaction.recipientCount() == 0) {
      throw new ReplyException(554, "5.5.1", "Error: no valid recipients");
    }
  }

  private EsmtpParameters.Allowed allowed() {
    return new EsmtpParameters.Allowed(
        !settings.discardedKeywords().contains(EhloKeyword.DSN),
        settings.smtputf8Enable() && !settings.discardedKeywords().contains(EhloKeyword.SMTPUTF8),
        settings.requiretlsEnable()
            && session.tlsActive()
            && !settings.discardedKeywords().contains(EhloKeyword.REQUIRETLS));
  }

  /** MAIL or RCPT as the milters get it: the address as given, then the ESMTP parameters. */
  private static List<String> milterArgs(CommandLine.PathArgument arg) {
    List<String> args = new java.util.ArrayList<>();
    args.add(arg.path());
    args.addAll(arg.parameters());
    return args;
  }

  private Milters milterChain() {
    return session.milters().map(SmtpdMilters::chain).orElseGet(Milters::none);
  }

  private Envelope envelope() {
    return transaction.envelope(
        session.client(transaction.parameters().smtputf8()), session.tls(), check.state.actions());
  }

  private static MailAddress address(String token, String code, String enhanced, String text)
      throws ReplyException {
    try {
      return MailAddress.parse(token);
    } catch (IllegalArgumentException e) {
      throw new ReplyException(Integer.parseInt(code), enhanced, text);
    }
  }
}
