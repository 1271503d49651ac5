package org.postern.smtpd;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the content of one message goes (Postfix's {@code out_stream}): into the queue through
 * cleanup, or to the before-queue content filter named by {@code smtpd_proxy_filter}.
 *
 * <p>Failure: a write failure throws {@link CleanupException}; smtpd reads the rest of the
 * client's data, answers with its reply and calls {@link #abort()}.
 */
interface MessageOut {
  /** The queue id when this smtpd queues the message itself; empty when a filter does. */
  Optional<String> queueId();

  /** A header before the content: folded lines, each ending in CRLF. */
  void prependHeader(String header) throws CleanupException;

  /** Message content bytes, dot-unstuffed, lines ending in CRLF. */
  void write(byte[] bytes, int offset, int length) throws CleanupException;

  /**
   * Ends the message and returns the reply the client gets for it; {@code bdatBytes} is the
   * content size when the message came in BDAT chunks.
   */
  Reply finish(OptionalLong bdatBytes) throws CleanupException;

  /** Discards the message; safe to call after a failure and more than once. */
  void abort();

  /**
   * Into the queue: the client hears {@code 250 2.0.0 Ok: queued as ID} after the commit, or after
   * BDAT, as Postfix's smtpd, {@code 250 2.0.0 Ok: N bytes queued as ID}.
   */
  record Cleanup(CleanupStream stream) implements MessageOut {
    @Override
    public Optional<String> queueId() {
      return Optional.of(stream.queueId());
    }

    @Override
    public void prependHeader(String header) throws CleanupException {
      stream.prependHeader(header);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws CleanupException {
      stream.write(bytes, offset, length);
    }

    @Override
    public Reply finish(OptionalLong bdatBytes) throws CleanupException {
      String id = stream.commit();
      return Reply.of(250, "2.0.0",
          bdatBytes.isPresent() ? "Ok: " + bdatBytes.getAsLong() + " bytes queued as " + id : "Ok: queued as " + id);
    }

    @Override
    public void abort() {
      stream.abort();
    }
  }
}
