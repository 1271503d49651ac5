package org.postern.cleanup;

/**
 * Why cleanup did not queue a message, most severe first (Postfix's cleanup_stat_map order: when
 * several apply, the first one listed is reported). {@code NO_SPACE} is a write error that means
 * the file system is full.
 */
enum CleanupStatus {
  DEFER(451, "4.7.1", "service unavailable"),
  BAD(451, "4.3.0", "internal protocol error"),
  RCPT(550, "5.1.0", "no recipients specified"),
  HOPS(554, "5.4.0", "too many hops"),
  SIZE(552, "5.3.4", "message file too big"),
  CONT(550, "5.7.1", "message content rejected"),
  NO_SPACE(452, "4.3.1", "Insufficient system storage"),
  WRITE(451, "4.3.0", "queue file write error");

  private final int code;
  private final String dsn;
  private final String text;

  CleanupStatus(int code, String dsn, String text) {
    this.code = code;
    this.dsn = dsn;
    this.text = text;
  }

  String dsn() {
    return dsn;
  }

  String text() {
    return text;
  }

  /** The reply smtpd gives for this status when no REJECT text says otherwise. */
  CleanupReply reply() {
    return this == CONT || this == NO_SPACE
        ? new CleanupReply(code, dsn, text)
        : new CleanupReply(code, dsn, "Error: " + text);
  }
}
