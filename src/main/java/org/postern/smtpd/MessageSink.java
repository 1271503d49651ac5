package org.postern.smtpd;

import org.postern.milter.Milters;

/**
 * What smtpd needs from cleanup(8): somewhere to put one message at a time.
 *
 * <p>smtpd calls {@link #open} when the client starts sending content (DATA, or the first BDAT),
 * writes its own Received: header with {@link CleanupStream#prependHeader}, streams the content
 * (CRLF line ends, dot-unstuffed), and answers {@code 250 2.0.0 Ok: queued as ID} only after
 * {@link CleanupStream#commit()} returns. Any other outcome ends in {@link CleanupStream#abort()},
 * which must leave nothing behind.
 */
public interface MessageSink {
  /** {@code milters} are the session's smtpd_milters, for cleanup's content stages. */
  CleanupStream open(Envelope envelope, Milters milters) throws CleanupException;
}
