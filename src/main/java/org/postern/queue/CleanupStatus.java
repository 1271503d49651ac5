package org.postern.queue;

/**
 * Why cleanup did not queue a message: Postfix's {@code cleanup_stat_map}
 * (global/cleanup_strerror.c), one table for every program that speaks of it (cleanup decides,
 * smtpd and {@code sendmail -bs} answer with it, pickup logs it). Each status carries the SMTP
 * reply code, the RFC 3463 enhanced status and the text; the order is Postfix's, most severe
 * first, so that of several statuses one message collected the first listed is the one reported.
 *
 * <p>The statuses are those Postern produces. {@link #NO_SPACE} is Postern's own: a queue write
 * that failed because the file system is full, answered as Postfix's smtpd answers a queue below
 * {@code queue_minfree} ({@code 452 4.3.1 Insufficient system storage}); Postfix reports that
 * write as {@link #WRITE}.
 *
 * <p>Failure: none; this is a table.
 */
public enum CleanupStatus {
  /** A temporary REJECT (4.x.x) or a table that did not answer. */
  DEFER(451, "4.7.1", "service unavailable"),
  /** The before-queue content filter (smtpd_proxy_filter) failed. */
  PROXY(451, "4.3.0", "queue file write error"),
  /** A malformed request from the submitting program. */
  BAD(451, "4.3.0", "internal protocol error"),
  /** The message has no recipients. */
  RCPT(550, "5.1.0", "no recipients specified"),
  /** Too many Received: headers (hopcount_limit): a mail loop. */
  HOPS(554, "5.4.0", "too many hops"),
  /** The message exceeds message_size_limit. */
  SIZE(552, "5.3.4", "message file too big"),
  /** header_checks, body_checks or another content check rejected it. */
  CONT(550, "5.7.1", "message content rejected"),
  /** The queue file system is full. */
  NO_SPACE(452, "4.3.1", "Insufficient system storage"),
  /** Writing the queue file failed. */
  WRITE(451, "4.3.0", "queue file write error");

  private final int smtp;
  private final String dsn;
  private final String text;

  CleanupStatus(int smtp, String dsn, String text) {
    this.smtp = smtp;
    this.dsn = dsn;
    this.text = text;
  }

  /** The SMTP reply code. */
  public int smtp() {
    return smtp;
  }

  /** The RFC 3463 enhanced status code. */
  public String dsn() {
    return dsn;
  }

  /** The text, as Postfix's cleanup_strerror() gives it ("message file too big"). */
  public String text() {
    return text;
  }

  /**
   * The reply smtpd sends for this status when no REJECT text says otherwise: Postfix's smtpd
   * writes {@code "Error: "} before the table's text ({@code 552 5.3.4 Error: message file too
   * big}); the storage reply has no such prefix in Postfix either.
   */
  public CleanupReply reply() {
    return new CleanupReply(smtp, dsn, this == NO_SPACE ? text : "Error: " + text);
  }
}
