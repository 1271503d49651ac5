package org.postern.deliver;

import java.io.IOException;
import java.io.OutputStream;
import org.postern.queue.Envelope;
import org.postern.queue.QueueId;

/**
 * Postfix's {@code post_mail(3)}: how a daemon creates mail. local forwards a message (aliases,
 * .forward) and bounce sends notifications through cleanup, like any other mail, so that every
 * queue file is written in one place.
 *
 * <p>Failure: an IOException means the message was not queued (disk full, cleanup refused it);
 * the caller defers what depended on it.
 */
@FunctionalInterface
public interface MailSubmitter {

  /** Why the mail is made; cleanup applies Postfix's rules for each. */
  enum Kind {
    /** A copy of a message for a new recipient (alias, .forward): every mark is kept. */
    FORWARD,
    /** A notification: bounce, delay warning, success notice, postmaster copy. */
    NOTICE,
    /** An address verification probe of verify(8): never delivered, never bounced. */
    PROBE
  }

  /** Writes the content (header, empty line, body, LF or CRLF line ends) of the new message. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Queues a new message with {@code envelope} (sender, recipients, DSN, REQUIRETLS and
   * SMTPUTF8 marks) and {@code content}; returns its queue id once it is committed.
   */
  QueueId submit(Kind kind, Envelope envelope, Content content) throws IOException;
}
