package org.postern.bounce;

import org.postern.queue.DsnNotify;

/**
 * The notifications bounce(8) writes, one per per-message log (two from the trace log: success
 * reports and the report of {@code sendmail -bv}), with Postfix's subjects and
 * log words and the NOTIFY value (RFC 3461) a recipient must have asked for to be reported.
 */
enum NoticeType {
  FAILURE(
      DsnNotify.FAILURE,
      "Undelivered Mail Returned to Sender",
      "Postmaster Copy: Undelivered Mail",
      "non-delivery",
      "failed"),
  DELAY(
      DsnNotify.DELAY,
      "Delayed Mail (still being retried)",
      "Postmaster Warning: Delayed Mail",
      "delay",
      "delayed"),
  SUCCESS(
      DsnNotify.SUCCESS,
      "Successful Mail Delivery Report",
      "Successful Mail Delivery Report",
      "delivery status",
      "delivered"),
  /** The report of sendmail -bv: every recipient, deliverable or not; nothing was delivered. */
  TRACE(
      DsnNotify.SUCCESS,
      "Mail Delivery Status Report",
      "Mail Delivery Status Report",
      "delivery status",
      "deliverable");

  private final DsnNotify notify;
  private final String subject;
  private final String postmasterSubject;
  private final String logWord;
  private final String action;

  NoticeType(DsnNotify notify, String subject, String postmasterSubject, String logWord,
      String action) {
    this.notify = notify;
    this.subject = subject;
    this.postmasterSubject = postmasterSubject;
    this.logWord = logWord;
    this.action = action;
  }

  /** The NOTIFY keyword that selects a recipient for this notification. */
  DsnNotify notifyKeyword() {
    return notify;
  }

  String subject(boolean postmasterCopy) {
    return postmasterCopy ? postmasterSubject : subject;
  }

  /** The words in {@code ID: sender <word> notification: NEWID}. */
  String logWord() {
    return logWord;
  }

  /**
   * The Action field: {@code failed} and {@code delayed} are fixed; a success report says what
   * the delivery agent did ({@code delivered}, {@code relayed}, {@code expanded}).
   */
  String action(String logged) {
    return (this == SUCCESS || this == TRACE) && !logged.isEmpty() ? logged : action;
  }

  /** The bounce/defer/trace log is the record of undelivered mail. */
  boolean undelivered() {
    return this != SUCCESS && this != TRACE;
  }
}
