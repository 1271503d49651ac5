package org.postern.pickup;

import java.util.Objects;
import org.postern.queue.CleanupReply;

/**
 * What pickup does with a maildrop file after cleanup answered: {@link Queued} (remove it), a
 * temporary failure ({@link Defer}: keep it and try again on a later scan), or a permanent one
 * ({@link Reject}: the message can never be queued; cleanup has returned it to the sender where
 * it could, and pickup removes the maildrop file, as Postfix's pickup does, because pickup itself
 * cannot bounce). A failure carries cleanup's reply, which pickup logs: a {@link
 * org.postern.queue.CleanupStatus}'s, or a REJECT action's own.
 */
public sealed interface CleanupVerdict {
  /** The message is in the incoming queue. */
  record Queued() implements CleanupVerdict {}

  /** A temporary failure: try again later. */
  record Defer(CleanupReply reply) implements CleanupVerdict {
    public Defer {
      Objects.requireNonNull(reply, "reply");
    }
  }

  /** A permanent failure: the message is dropped from maildrop. */
  record Reject(CleanupReply reply) implements CleanupVerdict {
    public Reject {
      Objects.requireNonNull(reply, "reply");
    }
  }
}
