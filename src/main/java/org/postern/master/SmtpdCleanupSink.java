package org.postern.master;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.postern.cleanup.Cleanup;
import org.postern.cleanup.CleanupOrigin;
import org.postern.cleanup.CleanupResult;
import org.postern.cleanup.CleanupTransaction;
import org.postern.log.ProgramLog;
import org.postern.milter.Milters;
import org.postern.queue.BodyType;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Recipient;
import org.postern.smtpd.CleanupException;
import org.postern.smtpd.CleanupStream;
import org.postern.smtpd.Envelope;
import org.postern.smtpd.MessageSink;

/**
 * smtpd's {@link MessageSink} served by cleanup: the translation Postfix does over the cleanup
 * socket, done in process. smtpd and cleanup do not know each other; the master joins them here.
 *
 * <p>Failure: cleanup's refusals become smtpd's replies unchanged (a header_checks REJECT keeps
 * its text); an I/O error opening the queue file becomes 451 4.3.0 or 452 4.3.1.
 */
final class SmtpdCleanupSink implements MessageSink {
  private final Cleanup cleanup;
  private final ProgramLog log;
  private final String contentFilter;
  private final Runnable queued;

  /**
   * {@code contentFilter} is smtpd's content_filter setting, which Postfix hands to cleanup;
   * {@code queued} runs after each committed message (it wakes qmgr).
   */
  SmtpdCleanupSink(Cleanup cleanup, ProgramLog log, String contentFilter, Runnable queued) {
    this.cleanup = cleanup;
    this.log = log;
    this.contentFilter = contentFilter;
    this.queued = queued;
  }

  @Override
  public CleanupStream open(Envelope envelope, Milters milters) throws CleanupException {
    CleanupTransaction tx;
    try {
      Envelope.Client c = envelope.client();
      tx = cleanup.open(CleanupOrigin.smtpd(c.name(), c.address(), false));
    } catch (IOException e) {
      throw new CleanupException(Cleanup.replyFor(e));
    }
    if (!contentFilter.isEmpty()) {
      tx.contentFilter(contentFilter);
    }
    describe(tx, envelope);
    if (!milters.isEmpty()) {
      tx.milters(milters);
    }
    return new Stream(tx, log, queued);
  }

  private static void describe(CleanupTransaction tx, Envelope e) {
    tx.sender(e.sender());
    for (Envelope.Recipient r : e.recipients()) {
      String orcpt = r.orcpt().type() + ";" + r.orcpt().address();
      tx.recipient(Recipient.of(r.address()).withDsn(orcpt, notify(r.dsnNotify())));
    }
    tx.dsn(
        e.ret().map(ret -> ret == Envelope.Ret.FULL ? DsnRet.FULL : DsnRet.HDRS), e.envid());
    e.body()
        .ifPresent(
            b -> tx.bodyType(b == Envelope.Body.EIGHT_BIT_MIME ? BodyType.EIGHT_BIT_MIME : BodyType.SEVEN_BIT));
    if (e.smtputf8()) {
      tx.requestSmtputf8();
    }
    if (e.requireTls()) {
      tx.requestRequireTls();
    }
    Envelope.Actions actions = e.actions();
    if (actions.hold()) {
      tx.hold();
    }
    if (actions.discard()) {
      tx.discard();
    }
    actions.contentFilter().ifPresent(tx::contentFilter);
    actions.redirect().ifPresent(tx::redirect);
    Envelope.Client c = e.client();
    Optional<Envelope.Tls> tls = e.tls();
    tx.client(
        new ClientFacts(
            c.name(), c.address(), c.helo(), c.protocol(),
            tls.map(Envelope.Tls::protocol).orElse(""), tls.map(Envelope.Tls::cipher).orElse("")));
    // As Postfix's smtpd, for pipe(8)'s ${sasl_*} and for whoever reads the queue file.
    tx.attribute("sasl_method", c.sasl().method());
    tx.attribute(CleanupTransaction.SASL_USERNAME, c.sasl().username());
    tx.attribute("sasl_sender", c.sasl().sender());
  }

  private static Set<DsnNotify> notify(Set<Envelope.Notify> flags) {
    Set<DsnNotify> out = EnumSet.noneOf(DsnNotify.class);
    for (Envelope.Notify n : flags) {
      out.add(DsnNotify.valueOf(n.name()));
    }
    return out;
  }

  /** One message: smtpd's stream calls onto a cleanup transaction. */
  private static final class Stream implements CleanupStream {
    private final CleanupTransaction tx;
    private final OutputStream content;
    private final ProgramLog log;
    private final Runnable queued;

    Stream(CleanupTransaction tx, ProgramLog log, Runnable queued) {
      this.tx = tx;
      this.content = tx.content();
      this.log = log;
      this.queued = queued;
    }

    @Override
    public String queueId() {
      return tx.queueId().toString();
    }

    @Override
    public void prependHeader(String header) throws CleanupException {
      byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
      write(bytes, 0, bytes.length);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws CleanupException {
      try {
        content.write(bytes, offset, length);
      } catch (IOException e) {
        throw new CleanupException(Cleanup.replyFor(e));
      }
    }

    @Override
    public String commit() throws CleanupException {
      CleanupResult result;
      try {
        result = tx.commit();
      } catch (IOException e) {
        throw new CleanupException(Cleanup.replyFor(e));
      }
      return switch (result) {
        case CleanupResult.Queued q -> {
          queued.run();
          yield q.queueId().toString();
        }
        case CleanupResult.Discarded d -> d.queueId().toString();
        case CleanupResult.Rejected r -> throw new CleanupException(r.reply());
        case CleanupResult.Failed f -> throw new CleanupException(f.reply());
      };
    }

    @Override
    public void abort() {
      try {
        tx.abort();
      } catch (IOException e) {
        // Nothing was acknowledged; a leftover in tmp/ is removed by postsuper's purge.
        log.warn(queueId() + ": cannot remove the aborted queue file: " + e.getMessage());
      }
    }
  }
}
