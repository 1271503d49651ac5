package org.postern.deliver;

import java.util.List;

/**
 * A delivery agent (smtp, lmtp, local, virtual, pipe, discard, error): delivers one request and
 * says what became of each recipient. Called on its own virtual thread; may block.
 *
 * <p>Failure: problems with a recipient or the destination are results, never exceptions. An
 * exception means the agent itself broke; qmgr defers the whole request.
 */
@FunctionalInterface
public interface DeliveryAgent {
  /** One result per recipient of {@code request}, in any order. */
  List<RecipientResult> deliver(DeliveryRequest request) throws Exception;
}
