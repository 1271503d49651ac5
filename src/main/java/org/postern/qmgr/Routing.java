package org.postern.qmgr;

import org.postern.deliver.RecipientResult;
import org.postern.queue.Recipient;

/** Where one pending recipient goes: to a delivery agent, or settled by qmgr itself. */
sealed interface Routing {
  /**
   * A recipient bound for a transport and next hop.
   *
   * @param original the recipient as in the queue file (its record is what gets marked done)
   * @param deliverAs the recipient handed to the agent: the resolved (or redirect) address, with
   *     the original's offset, original address and DSN parameters
   * @param queueName the per-destination queue: the next hop, lower case, prefixed with the local
   *     part for a transport that takes one recipient per delivery
   */
  record Routed(Recipient original, Recipient deliverAs, String transport, String nexthop,
      String queueName) implements Routing {}

  /** A recipient qmgr deferred (or bounced) without a delivery attempt. */
  record Settled(RecipientResult result) implements Routing {}
}
