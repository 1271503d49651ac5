package org.postern.pickup;

import java.time.Instant;
import java.util.Objects;
import org.postern.queue.QueueId;

/**
 * What pickup knows about a maildrop file beyond its records: the uid that owns it (the local
 * user who submitted it, logged as {@code uid=N}), when it was dropped (its modification time,
 * guarded against clocks far in the future), its maildrop queue id, and whether it is a message
 * requeued with {@code postsuper -r} (owned by {@code mail_owner}), for which Postfix logs {@code
 * orig_id=} and does not run Milters again.
 */
public record PickupOrigin(long uid, Instant dropTime, QueueId maildropId, boolean requeued) {
  public PickupOrigin {
    Objects.requireNonNull(dropTime, "dropTime");
    Objects.requireNonNull(maildropId, "maildropId");
  }
}
