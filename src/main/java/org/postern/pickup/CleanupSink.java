package org.postern.pickup;

import java.io.IOException;
import java.io.OutputStream;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueId;

/**
 * What pickup needs from cleanup(8): a new submission with its queue id, then the envelope
 * (sender, recipients with their DSN parameters, REQUIRETLS and SMTPUTF8 marks, DSN RET and
 * ENVID, body type, named attributes), the content as a byte stream, and the extracted envelope
 * (recipients taken from headers by {@code sendmail -t}, the {@code TLS-Required: no} mark) with a
 * commit that returns a {@link CleanupVerdict}. The master wires cleanup's implementation in.
 *
 * <p>Failure: an IOException from any method is a temporary failure: pickup abandons the
 * submission (close without commit) and keeps the maildrop file for a later scan.
 */
public interface CleanupSink {
  /** Starts a submission; cleanup allocates the new queue id here. */
  Submission open() throws IOException;

  /** One message on its way from maildrop into the incoming queue. */
  interface Submission extends AutoCloseable {
    /** The queue id of the new queue file, logged by pickup with uid and sender. */
    QueueId queueId();

    /**
     * The envelope as read from maildrop, with what pickup knows of its origin, and the
     * recipients sendmail -t extracted from the headers (cleanup needs every recipient before the
     * content starts, so they come here, not at commit).
     */
    void envelope(PickupOrigin origin, Envelope envelope, ExtractedEnvelope extracted)
        throws IOException;

    /**
     * The content stream: pickup's Received: header, then the message as submitted, LF line ends.
     * Valid after {@link #envelope}.
     */
    OutputStream content() throws IOException;

    /** Ends the content and asks cleanup to queue the message. */
    CleanupVerdict commit() throws IOException;

    /** Abandons the submission unless it was committed. */
    @Override
    void close() throws IOException;
  }
}
