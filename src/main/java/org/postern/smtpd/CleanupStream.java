package org.postern.smtpd;

/**
 * One message on its way into the queue. Not thread-safe: one session writes it.
 *
 * <p>Failure: any method may throw {@link CleanupException}; smtpd then reads the rest of the
 * client's data, answers with the exception's reply, and calls {@link
 * #abort()}.
 */
public interface CleanupStream {
  /** The queue id, known from the start so smtpd can name it in the Received: header. */
  String queueId();

  /** A header smtpd adds before the content: folded lines, each ending in CRLF. */
  void prependHeader(String header) throws CleanupException;

  /** Message content bytes, lines ending in CRLF. */
  void write(byte[] bytes, int offset, int length) throws CleanupException;

  /** Makes the message durable and returns its queue id. */
  String commit() throws CleanupException;

  /** Discards the message; safe to call after a failure and more than once. */
  void abort();
}
