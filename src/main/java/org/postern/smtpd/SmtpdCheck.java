package org.postern.smtpd;

import java.util.List;
import java.util.Optional;

/**
 * Evaluates the SMTP access restrictions for one session, as Postfix's {@code smtpd_check.c}:
 * each {@code smtpd_*_restrictions} list runs in order until a restriction permits (which ends
 * that list only), rejects (which ends the request) or the list ends. With {@code
 * smtpd_delay_reject = yes} the client, HELO and sender lists run at each RCPT TO, before the
 * relay and recipient lists; otherwise each runs at its own command.
 *
 * <p>{@code warn_if_reject} turns the next rejection into a {@code reject_warning} log line;
 * {@code defer_if_permit} turns a later overall permit into a 450; {@code defer_if_reject} turns a
 * later 5xx into a 450. Every rejection is logged as Postfix logs it ({@code NOQUEUE: reject: RCPT
 * from name[addr]: 554 5.7.1 <x@y>: Relay access denied; from=<a@b> to=<x@y> proto=ESMTP
 * helo=<h>}).
 *
 * <p>Failure: a table that cannot answer ends the evaluation with {@code 451 4.3.0 <name>:
 * Temporary lookup failure}; a malformed restriction list inside a table result with {@code 451
 * 4.3.5 Server configuration error}. Neither can be softened by {@code warn_if_reject}.
 */
final class SmtpdCheck {
  static final String CLIENT = "Client host";
  static final String HELO = "Helo command";
  static final String SENDER = "Sender address";
  static final String RECIPIENT = "Recipient address";
  static final String DATA = "Data command";
  static final String END_OF_DATA = "End-of-data";
  static final String CLIENT_CERTIFICATE = "Client certificate";

  /** The outcome of one restriction or list. */
  enum Status {
    DUNNO,
    OK,
    REJECT
  }

  /** Ends the whole evaluation at once (Postfix's long jump), with the reply to send. */
  static final class Abort extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Reply reply;

    Abort(Reply reply) {
      super(reply.toString(), null, false, false);
      this.reply = reply;
    }

    Reply reply() {
      return reply;
    }
  }

  final AccessPolicy policy;
  final CheckState state;
  private final Restrictions restrictions;
  private Reply error;

  SmtpdCheck(AccessPolicy policy, CheckState state) {
    this.policy = policy;
    this.state = state;
    this.restrictions = new Restrictions(this);
  }

  // Drivers, one per protocol stage; each returns the reply that refuses, if any.

  /** At connect, only with {@code smtpd_delay_reject = no}. */
  Optional<Reply> connect() {
    return policy.delayReject ? Optional.empty() : reply(client());
  }

  /** At HELO/EHLO, only with {@code smtpd_delay_reject = no}. */
  Optional<Reply> helo() {
    return policy.delayReject ? Optional.empty() : reply(helo(state.helo));
  }

  /** At MAIL FROM, only with {@code smtpd_delay_reject = no}. */
  Optional<Reply> mail() {
    return policy.delayReject ? Optional.empty() : reply(sender(state.sender));
  }

  /** At RCPT TO and VRFY; {@code recipient} is the state's recipient for the evaluation. */
  Optional<Reply> rcpt(MailAddress recipient) {
    if (recipient.internal().equalsIgnoreCase("postmaster")) {
      return Optional.empty();
    }
    state.recipient = recipient.internal();
    state.recipientListChecked = false;
    try {
      return reply(recipient());
    } finally {
      state.recipient = null;
    }
  }

  private Status recipient() {
    if (policy.delayReject) {
      Status s = client();
      s = s == Status.REJECT ? s : helo(state.helo);
      s = s == Status.REJECT ? s : sender(state.sender);
      if (s == Status.REJECT) {
        return s;
      }
    }
    state.deferIfPermit.activate(state.deferIfPermitSender);
    state.resetEvaluation();
    List<AccessPolicy.Stage> order =
        policy.relayBeforeRecipient
            ? List.of(AccessPolicy.Stage.RELAY, AccessPolicy.Stage.RECIPIENT)
            : List.of(AccessPolicy.Stage.RECIPIENT, AccessPolicy.Stage.RELAY);
    Status status = Status.DUNNO;
    for (AccessPolicy.Stage stage : order) {
      status = run(policy.list(stage), state.recipient, RECIPIENT, stage.defaultAcl);
      if (status == Status.REJECT) {
        return status;
      }
    }
    status = deferIfPermitted(status);
    if (status != Status.REJECT && policy.rejectUnlistedRecipient && !state.discard()) {
      status = guarded(() -> restrictions.unlistedRecipient(state.recipient));
    }
    return status;
  }

  /** At DATA, before the 354 reply. */
  Optional<Reply> data() {
    return reply(lateStage(AccessPolicy.Stage.DATA, "DATA", DATA));
  }

  /** After the message content, before it is committed. */
  Optional<Reply> endOfData() {
    return reply(lateStage(AccessPolicy.Stage.END_OF_DATA, "END-OF-MESSAGE", END_OF_DATA));
  }

  private Status lateStage(AccessPolicy.Stage stage, String replyName, String replyClass) {
    if (policy.list(stage).isEmpty()) {
      return Status.DUNNO;
    }
    state.deferIfPermit.clear();
    state.resetEvaluation();
    return deferIfPermitted(run(policy.list(stage), replyName, replyClass, null));
  }

  private Status client() {
    state.deferIfPermit.clear();
    state.resetEvaluation();
    Status s = run(policy.list(AccessPolicy.Stage.CLIENT), state.namaddr(), CLIENT, AccessPolicy.Stage.CLIENT.defaultAcl);
    state.deferIfPermitClient = state.deferIfPermit.active();
    return s;
  }

  private Status helo(String helo) {
    if (helo == null) {
      return Status.DUNNO;
    }
    restoreDeferIfPermit(state.deferIfPermitClient);
    state.resetEvaluation();
    Status s = run(policy.list(AccessPolicy.Stage.HELO), helo, HELO, AccessPolicy.Stage.HELO.defaultAcl);
    state.deferIfPermitHelo = state.deferIfPermit.active();
    return s;
  }

  private Status sender(String sender) {
    if (sender == null) {
      return Status.DUNNO;
    }
    restoreDeferIfPermit(state.deferIfPermitClient || state.deferIfPermitHelo);
    state.senderListChecked = false;
    state.resetEvaluation();
    Status s = run(policy.list(AccessPolicy.Stage.SENDER), sender, SENDER, AccessPolicy.Stage.SENDER.defaultAcl);
    state.deferIfPermitSender = state.deferIfPermit.active();
    if (s != Status.REJECT && policy.rejectUnlistedSender && !state.discard() && !sender.isEmpty()) {
      s = guarded(() -> restrictions.unlistedSender(sender));
    }
    return s;
  }

  /** Keeps an earlier stage's pending defer_if_permit, without inventing one. */
  private void restoreDeferIfPermit(boolean earlier) {
    state.deferIfPermit.activate(earlier);
  }

  private Status deferIfPermitted(Status status) {
    if (status != Status.REJECT && state.deferIfPermit.active()) {
      Reply d = state.deferIfPermit.reply();
      return reject(d.code(), d.enhanced(), d.lines().get(0));
    }
    return status;
  }

  private interface Step {
    Status run() throws Abort;
  }

  private Status guarded(Step step) {
    try {
      return step.run();
    } catch (Abort a) {
      error = a.reply();
      return Status.REJECT;
    }
  }

  /** Runs one top-level list; an {@link Abort} from deep inside ends it as a rejection. */
  Status run(List<Restriction> list, String replyName, String replyClass, String defaultAcl) {
    return guarded(() -> generic(list, replyName, replyClass, defaultAcl));
  }

  /** Postfix's {@code generic_checks}: one list, possibly nested inside a table result. */
  Status generic(List<Restriction> list, String replyName, String replyClass, String defaultAcl)
      throws Abort {
    int savedRecursion = state.recursion++;
    Status status = Status.DUNNO;
    for (Restriction r : list) {
      if (state.discard()) {
        break;
      }
      if (r.name().equals("warn_if_reject")) {
        if (state.warnIfReject == 0) {
          state.warnIfReject = state.recursion;
        }
        continue;
      }
      status = restrictions.apply(r, replyName, replyClass, defaultAcl);
      if (state.warnIfReject >= state.recursion) {
        state.warnIfReject = 0;
      }
      if (status != Status.DUNNO) {
        break;
      }
      if (state.deferIfPermit.active() && state.deferIfReject.active()) {
        break;
      }
    }
    state.recursion = savedRecursion;
    if (state.warnIfReject >= state.recursion) {
      state.warnIfReject = 0;
    }
    return status;
  }

  /**
   * Postfix's {@code smtpd_check_reject}: formats, softens ({@code warn_if_reject}, {@code
   * defer_if_reject}, {@code soft_bounce}) and logs a rejection.
   */
  Status reject(int code, String dsn, String text) {
    boolean warn = state.warnIfReject > 0;
    if (!warn && state.deferIfReject.active() && code >= 500) {
      Reply d = state.deferIfReject.reply();
      state.warnIfReject = 0;
      state.deferIfReject.clear();
      return reject(d.code(), d.enhanced(), d.lines().get(0));
    }
    Reply reply = format(code, dsn, text);
    state.whatsup(warn ? "reject_warning" : "reject", reply.toString());
    if (warn) {
      return Status.DUNNO;
    }
    error = reply;
    return Status.REJECT;
  }

  /** A rejection that {@code warn_if_reject} cannot soften: table and configuration errors. */
  Abort abort(int code, String dsn, String text) {
    Reply reply = format(code, dsn, text);
    state.whatsup("reject", reply.toString());
    return new Abort(reply);
  }

  private Reply format(int code, String dsn, String text) {
    int c = code;
    String d = dsn;
    if (c < 400 || c > 599 || !d.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
      state.warning("SMTP reply code configuration error: " + code + " " + dsn + " " + text);
      c = 450;
      d = "4.7.1";
      text = "Service unavailable";
    }
    if (policy.codes().softBounce() && c >= 500) {
      c -= 100;
    }
    d = (char) ('0' + c / 100) + d.substring(1);
    String printable = text.replaceAll("[\\p{Cntrl}]", " ");
    String line = printable.length() > 500 ? printable.substring(0, 500) : printable;
    return Reply.of(c, d, line);
  }

  /** Remembers a reply for {@code defer_if_permit}/{@code defer_if_reject}, or warns instead. */
  Status deferIf(CheckState.Defer defer, int code, String dsn, String text) {
    Reply r = format(code, dsn, text);
    if (defer == state.deferIfPermit && state.warnIfReject > 0) {
      state.whatsup("reject_warning", r.toString());
      return Status.DUNNO;
    }
    defer.set(r);
    return Status.DUNNO;
  }

  private Optional<Reply> reply(Status status) {
    if (status != Status.REJECT) {
      return Optional.empty();
    }
    Reply r = error;
    error = null;
    return Optional.of(r);
  }
}
