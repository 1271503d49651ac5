package org.postern.pickup;

import java.util.Objects;

/**
 * The verdict of cleanup on one message handed over by pickup, as Postfix's cleanup status:
 * {@link Queued}, a temporary failure ({@link Defer}: the maildrop file is kept and tried again on
 * a later scan), or a permanent one ({@link Reject}: the message can never be queued; cleanup
 * has returned it to the sender where it could, and pickup removes the maildrop file, as
 * Postfix's pickup does, because pickup itself cannot bounce).
 */
public sealed interface CleanupStatus {
  /** The message is in the incoming queue. */
  record Queued() implements CleanupStatus {}

  /** A temporary failure: try again later. */
  record Defer(String reason) implements CleanupStatus {
    public Defer {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** A permanent failure: the message is dropped from maildrop. */
  record Reject(String reason) implements CleanupStatus {
    public Reject {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
