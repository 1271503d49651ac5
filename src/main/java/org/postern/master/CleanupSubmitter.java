package org.postern.master;

import java.io.IOException;
import java.io.OutputStream;
import org.postern.cleanup.Cleanup;
import org.postern.cleanup.CleanupOrigin;
import org.postern.cleanup.CleanupResult;
import org.postern.cleanup.CleanupTransaction;
import org.postern.deliver.MailSubmitter;
import org.postern.queue.Envelope;
import org.postern.queue.QueueId;

/**
 * The {@link MailSubmitter} that local forwarding and bounce notices use: cleanup, in process,
 * as Postfix's post_mail() talks to the cleanup service. Forwarded copies keep every mark of the
 * envelope they are given (REQUIRETLS, SMTPUTF8, DSN); neither kind is run through header or
 * body checks again, as in Postfix.
 *
 * <p>Failure: anything but a queued (or discarded) result is an IOException with cleanup's reply,
 * so the caller defers what depended on it.
 */
final class CleanupSubmitter implements MailSubmitter {
  private final Cleanup cleanup;
  private final Runnable queued;

  /** {@code queued} runs after each committed message (it wakes qmgr). */
  CleanupSubmitter(Cleanup cleanup, Runnable queued) {
    this.cleanup = cleanup;
    this.queued = queued;
  }

  @Override
  public QueueId submit(Kind kind, Envelope envelope, Content content) throws IOException {
    CleanupOrigin origin =
        switch (kind) {
          case FORWARD -> CleanupOrigin.notice(CleanupOrigin.SourceClass.FORWARD);
          case NOTICE -> CleanupOrigin.notice(CleanupOrigin.SourceClass.BOUNCE);
          case PROBE -> CleanupOrigin.notice(CleanupOrigin.SourceClass.VERIFY);
        };
    try (CleanupTransaction tx = cleanup.open(origin)) {
      tx.envelope(envelope);
      OutputStream out = tx.content();
      content.writeTo(out);
      return switch (tx.commit()) {
        case CleanupResult.Queued q -> {
          queued.run();
          yield q.queueId();
        }
        case CleanupResult.Discarded d -> d.queueId();
        case CleanupResult.Rejected r -> throw new IOException(r.queueId() + ": " + r.reply());
        case CleanupResult.Failed f -> throw new IOException(f.queueId() + ": " + f.reply());
      };
    }
  }
}
