package org.postern.smtpd;

/**
 * cleanup could not take the message. The status carries the SMTP reply Postfix gives for it
 * (the {@code cleanup_stat_detail} codes and texts).
 */
public final class CleanupException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the queue refused a message, with Postfix's reply. */
  public enum Status {
    /** Writing the queue file failed: transient. */
    WRITE(451, "4.3.0", "Error: queue file write error"),
    /** Not enough free space in the queue file system: transient. */
    INSUFFICIENT_STORAGE(452, "4.3.1", "Insufficient system storage"),
    /** The message exceeds message_size_limit: permanent. */
    SIZE(552, "5.3.4", "Error: message file too big"),
    /** cleanup refused the content (header_checks REJECT, hop count): the reply is cleanup's. */
    REFUSED(550, "5.7.1", "Error: message content rejected");

    private final int code;
    private final String enhanced;
    private final String text;

    Status(int code, String enhanced, String text) {
      this.code = code;
      this.enhanced = enhanced;
      this.text = text;
    }

    Reply reply() {
      return Reply.of(code, enhanced, text);
    }
  }

  private final Status status;
  private final Reply reply;

  public CleanupException(Status status, String detail) {
    super(status.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail);
    this.status = status;
    this.reply = status.reply();
  }

  /** cleanup refused the message with its own reply (for example a header_checks REJECT). */
  public CleanupException(int code, String enhancedStatus, String text) {
    super("refused: " + code + " " + enhancedStatus + " " + text);
    this.status = Status.REFUSED;
    this.reply = Reply.of(code, enhancedStatus, text);
  }

  public CleanupException(Status status, String detail, Throwable cause) {
    super(status.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail, cause);
    this.status = status;
    this.reply = status.reply();
  }

  public Status status() {
    return status;
  }

  /** The SMTP reply smtpd sends for this refusal. */
  Reply reply() {
    return reply;
  }
}
