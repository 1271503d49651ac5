package org.postern.deliver;

import java.util.List;
import org.postern.log.ProgramLog;

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

  /**
   * As {@link #deliver(DeliveryRequest)}, with {@code run} the log qmgr writes this run's delivery
   * status lines to: an agent that logs lines belonging to those (as a Postfix delivery process
   * logs them, under the same {@code program[pid]}) writes them here.
   */
  default List<RecipientResult> deliver(DeliveryRequest request, ProgramLog run) throws Exception {
    return deliver(request);
  }
}
