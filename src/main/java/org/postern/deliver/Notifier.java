package org.postern.deliver;

import java.io.IOException;
import org.postern.queue.QueueFile;

/**
 * The bounce service as qmgr calls it, Postfix's {@code bounce_flush(3)}, {@code
 * defer_warn(3)} and {@code trace_flush(3)}: each reads the message's per-message log ({@link
 * RecipientLog}) and sends the RFC 3464 notification the recipients' NOTIFY settings ask for,
 * honouring RET, ENVID and, for a REQUIRETLS message, {@code requiretls_redact_dsn}.
 *
 * <p>Failure: an IOException leaves the log in place so the next queue run tries again; the
 * original message is not removed until its notification is queued.
 */
public interface Notifier {
  /** Failed recipients in {@code bounce/ID}: a non-delivery notification, then the log goes. */
  void bounce(QueueFile message) throws IOException;

  /** Deferred recipients in {@code defer/ID}: a delayed-mail warning (delay_warning_time). */
  void delayWarning(QueueFile message) throws IOException;

  /** Delivered recipients with NOTIFY=SUCCESS in {@code trace/ID}: a success notification. */
  void success(QueueFile message) throws IOException;
}
