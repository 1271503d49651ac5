package org.postern.smtpd;

import org.postern.queue.CleanupReply;
import org.postern.queue.CleanupStatus;

/**
 * cleanup could not take the message. It carries the SMTP reply smtpd gives for it: a {@link
 * CleanupStatus}'s (the {@code cleanup_stat_map} codes and texts, shared with cleanup), or the
 * refusal cleanup or a before-queue filter gave word for word (a header_checks REJECT).
 */
public final class CleanupException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Reply reply;

  /** cleanup failed with {@code status}; {@code detail} says why, for the log. */
  public CleanupException(CleanupStatus status, String detail) {
    super(status.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail);
    this.reply = replyFor(status);
  }

  /** cleanup refused the message with its own reply (for example a header_checks REJECT). */
  public CleanupException(CleanupReply refusal) {
    super("refused: " + refusal);
    this.reply = new Reply(refusal.code(), refusal.enhancedStatus(), refusal.lines());
  }

  /** A before-queue filter refused the message with this reply. */
  CleanupException(int code, String enhancedStatus, String text) {
    super("refused: " + code + " " + enhancedStatus + " " + text);
    this.reply = Reply.of(code, enhancedStatus, text);
  }

  /** The SMTP reply for {@code status}. */
  static Reply replyFor(CleanupStatus status) {
    CleanupReply r = status.reply();
    return Reply.of(r.code(), r.enhancedStatus(), r.text());
  }

  /** The SMTP reply smtpd sends for this refusal. */
  Reply reply() {
    return reply;
  }
}
