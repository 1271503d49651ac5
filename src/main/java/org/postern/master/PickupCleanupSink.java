package org.postern.master;

import java.io.IOException;
import java.io.OutputStream;
import org.postern.cleanup.Cleanup;
import org.postern.cleanup.CleanupOrigin;
import org.postern.cleanup.CleanupResult;
import org.postern.cleanup.CleanupTransaction;
import org.postern.pickup.CleanupSink;
import org.postern.pickup.CleanupVerdict;
import org.postern.pickup.PickupOrigin;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueId;

/**
 * pickup's {@link CleanupSink} served by cleanup: a maildrop file (from sendmail, or requeued by
 * {@code postsuper -r}) becomes a cleanup transaction with every mark it carried.
 *
 * <p>Failure: a temporary cleanup failure leaves the maildrop file for the next scan; a refusal
 * (header_checks REJECT, no recipients) is final, as in Postfix, where cleanup bounces it.
 */
final class PickupCleanupSink implements CleanupSink {
  private static final String SENDER_FULLNAME = "sender_fullname";

  private final Cleanup cleanup;
  private final String contentFilter;
  private final Runnable queued;

  /**
   * {@code contentFilter} is pickup's content_filter setting, which Postfix hands to cleanup;
   * {@code queued} runs after each committed message (it wakes qmgr).
   */
  PickupCleanupSink(Cleanup cleanup, String contentFilter, Runnable queued) {
    this.cleanup = cleanup;
    this.contentFilter = contentFilter;
    this.queued = queued;
  }

  @Override
  public Submission open() throws IOException {
    return new MaildropSubmission(cleanup, contentFilter, queued);
  }

  /** One maildrop file on its way through cleanup. */
  private static final class MaildropSubmission implements Submission {
    private final Cleanup cleanup;
    private final String contentFilter;
    private final Runnable queued;
    private CleanupTransaction tx;

    MaildropSubmission(Cleanup cleanup, String contentFilter, Runnable queued) throws IOException {
      this.cleanup = cleanup;
      this.contentFilter = contentFilter;
      this.queued = queued;
      this.tx = cleanup.open(CleanupOrigin.sendmail());
    }

    @Override
    public QueueId queueId() {
      return tx.queueId();
    }

    @Override
    public void envelope(PickupOrigin origin, Envelope envelope, ExtractedEnvelope extracted)
        throws IOException {
      if (origin.requeued()) {
        tx.abort();
        tx = cleanup.open(CleanupOrigin.requeue());
      }
      tx.envelope(envelope);
      if (!contentFilter.isEmpty()) {
        tx.contentFilter(contentFilter);
      }
      String fullName = envelope.attributes().get(SENDER_FULLNAME);
      if (fullName != null) {
        tx.fullName(fullName);
      }
      extracted.recipients().forEach(tx::recipient);
    }

    @Override
    public OutputStream content() {
      return tx.content();
    }

    @Override
    public CleanupVerdict commit() throws IOException {
      return switch (tx.commit()) {
        case CleanupResult.Queued q -> {
          queued.run();
          yield new CleanupVerdict.Queued();
        }
        case CleanupResult.Discarded d -> new CleanupVerdict.Queued();
        case CleanupResult.Rejected r -> new CleanupVerdict.Reject(r.reply());
        case CleanupResult.Failed f -> new CleanupVerdict.Defer(f.reply());
      };
    }

    @Override
    public void close() throws IOException {
      tx.close();
    }
  }
}
