package org.postern.bounce;

import java.util.List;
import org.postern.deliver.RecipientLog;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueId;

/**
 * One notification to write: about which message, to whom, which recipients it reports, and how
 * much of the original goes back.
 *
 * @param type failure, delay or success
 * @param queueId the original message
 * @param original the original queue file (envelope, marks, arrival, content position)
 * @param to the recipient of the notification: the original sender or a postmaster address
 * @param postmasterCopy a notice for the postmaster (no boiler-plate, auto-generated)
 * @param entries the recipients reported, as logged
 * @param headersOnly return only the original header (RET=HDRS, bounce_size_limit, redaction)
 * @param redacted headers only because the original asked for REQUIRETLS and {@code
 *     requiretls_redact_dsn = yes}; the text part says so
 */
record Notice(
    NoticeType type,
    QueueId queueId,
    QueueFile original,
    String to,
    boolean postmasterCopy,
    List<RecipientLog.Entry> entries,
    boolean headersOnly,
    boolean redacted) {

  Notice {
    entries = List.copyOf(entries);
  }

  /** The original asked for SMTPUTF8: the report uses the RFC 6533 types. */
  boolean global() {
    return original.envelope().smtputf8();
  }
}
