package org.postern.cleanup;

import java.util.Optional;
import org.postern.queue.CleanupStatus;
import org.postern.table.TableException;

/**
 * The automatic BCC recipients of one message, as Postfix cleanup adds them to mail from outside
 * ({@link CleanupOrigin#automaticBcc}): {@code sender_bcc_maps} asked with the sender after
 * canonical mapping (not for the null sender), {@code recipient_bcc_maps} asked with each
 * recipient after canonical mapping and before virtual aliasing, and {@code always_bcc} once for
 * a message that has a recipient. A map gives one address; the recipient extension is not
 * carried over. The caller rewrites the address as a recipient (qualification, canonical maps,
 * virtual aliases) and adds it with NOTIFY=NEVER and no ORCPT, so no delivery status
 * notification ever tells the sender about it.
 *
 * <p>Failure: a table that does not answer logs {@code warning: ID: sender_bcc_maps map lookup
 * problem -- message not accepted, try again later} and makes the message fail temporarily (451
 * 4.3.0), as in Postfix.
 */
final class AutomaticBcc {
  private final boolean enabled;
  private final AddressMaps senderBcc;
  private final AddressMaps recipientBcc;
  private final String alwaysBcc;
  private final String queueId;
  private final ActionLogger log;
  private final CleanupErrors errors;

  AutomaticBcc(boolean enabled, Cleanup.Maps maps, String alwaysBcc, String queueId,
      ActionLogger log, CleanupErrors errors) {
    this.enabled = enabled;
    this.senderBcc = maps.senderBcc();
    this.recipientBcc = maps.recipientBcc();
    this.alwaysBcc = alwaysBcc;
    this.queueId = queueId;
    this.log = log;
    this.errors = errors;
  }

  /** The sender_bcc_maps address for the (canonical) envelope sender. */
  Optional<String> forSender(String sender) {
    return find(senderBcc, sender);
  }

  /** The recipient_bcc_maps address for one (canonical) envelope recipient. */
  Optional<String> forRecipient(String recipient) {
    return find(recipientBcc, recipient);
  }

  /** always_bcc, for a message that has at least one recipient. */
  Optional<String> always() {
    return enabled && !alwaysBcc.isEmpty() ? Optional.of(alwaysBcc) : Optional.empty();
  }

  private Optional<String> find(AddressMaps maps, String address) {
    if (!enabled || address.isEmpty() || maps.isEmpty()) {
      return Optional.empty();
    }
    try {
      return maps.find(address);
    } catch (TableException e) {
      log.warning(queueId + ": " + maps.title()
          + " map lookup problem -- message not accepted, try again later");
      errors.add(CleanupStatus.WRITE);
      return Optional.empty();
    }
  }
}
