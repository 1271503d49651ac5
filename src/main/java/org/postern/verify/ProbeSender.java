package org.postern.verify;

import java.io.IOException;

/**
 * How verify(8) injects a probe message: cleanup, as Postfix's {@code post_mail}, with the
 * {@code trace_flags} that make it a probe. The master supplies it.
 *
 * <p>Failure: an IOException means no probe was queued; the cache still records the attempt, so
 * the address is probed again after the probe time-out, as in Postfix.
 */
@FunctionalInterface
public interface ProbeSender {
  /** Queues a probe from {@code sender} to {@code recipient}. */
  void send(String sender, String recipient) throws IOException;
}
