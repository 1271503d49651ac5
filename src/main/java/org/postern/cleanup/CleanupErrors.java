package org.postern.cleanup;

import java.util.EnumSet;
import java.util.Set;
import org.postern.queue.CleanupReply;
import org.postern.queue.CleanupStatus;
import org.postern.queue.QueueId;

/**
 * The errors one message collected while cleanup went on reading it (a client is always read to
 * the end of DATA), and the REJECT text that explains a content rejection.
 */
final class CleanupErrors {
  private final Set<CleanupStatus> statuses = EnumSet.noneOf(CleanupStatus.class);
  private String reason;

  void add(CleanupStatus status) {
    statuses.add(status);
  }

  /** A REJECT action: {@code reason} starts with its 4.x.x or 5.x.x status. */
  void reject(String reason) {
    this.reason = reason;
    add(rejectStatus(reason));
  }

  private static CleanupStatus rejectStatus(String reason) {
    return reason.startsWith("4") ? CleanupStatus.DEFER : CleanupStatus.CONT;
  }

  boolean any() {
    return !statuses.isEmpty();
  }

  /** Nothing more is written once a message is refused (Postfix's CLEANUP_OUT_OK). */
  boolean outputOk() {
    return statuses.isEmpty();
  }

  /** The result for the most severe error; call only when {@link #any} is true. */
  CleanupResult result(QueueId id) {
    CleanupStatus worst = statuses.iterator().next();
    CleanupReply reply = worst.reply();
    if (reason != null && (worst == CleanupStatus.DEFER || worst == CleanupStatus.CONT)) {
      int space = reason.indexOf(' ');
      String dsn = space < 0 ? reason : reason.substring(0, space);
      String text = space < 0 ? "" : reason.substring(space + 1);
      reply = new CleanupReply(rejectStatus(reason).smtp(), dsn, text);
    }
    return reply.temporary()
        ? new CleanupResult.Failed(id, reply)
        : new CleanupResult.Rejected(id, reply);
  }
}
