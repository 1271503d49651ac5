package org.postern.cleanup;

import java.util.Objects;
import org.postern.queue.CleanupReply;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;

/**
 * What became of a message handed to cleanup. Callers switch over the four cases: smtpd answers
 * 250 for {@link Queued} and {@link Discarded} (a DISCARD action reports success, as Postfix
 * does), the reply's code for {@link Rejected} (permanent, or temporary for a 4.x.x REJECT) and
 * {@link Failed} (a local problem: the queue could not be written, a table did not answer).
 */
public sealed interface CleanupResult {
  /** The queue id the transaction had; also the id smtpd logs. */
  QueueId queueId();

  /** The queue file is committed in {@code queue} (incoming, or hold after a HOLD action). */
  record Queued(QueueId queueId, QueueName queue) implements CleanupResult {
    public Queued {
      Objects.requireNonNull(queueId, "queueId");
      Objects.requireNonNull(queue, "queue");
    }
  }

  /** A DISCARD action: nothing was queued, the sender is told it was. */
  record Discarded(QueueId queueId) implements CleanupResult {
    public Discarded {
      Objects.requireNonNull(queueId, "queueId");
    }
  }

  /** The content or envelope was refused (REJECT, too many hops, too big, no recipients). */
  record Rejected(QueueId queueId, CleanupReply reply) implements CleanupResult {
    public Rejected {
      Objects.requireNonNull(queueId, "queueId");
      Objects.requireNonNull(reply, "reply");
    }
  }

  /** A temporary local failure: write error, disk full, table lookup error, expansion limits. */
  record Failed(QueueId queueId, CleanupReply reply) implements CleanupResult {
    public Failed {
      Objects.requireNonNull(queueId, "queueId");
      Objects.requireNonNull(reply, "reply");
    }
  }
}
