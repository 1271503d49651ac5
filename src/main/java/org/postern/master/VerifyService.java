package org.postern.master;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.postern.cleanup.Cleanup;
import org.postern.config.ConfigException;
import org.postern.deliver.MailSubmitter;
import org.postern.queue.Envelope;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;
import org.postern.table.TableException;
import org.postern.verify.AddressVerifier;
import org.postern.verify.VerifySettings;

/**
 * The {@code verify unix} master.cf entry running verify(8): the address verification cache and
 * its probes. Probes go to this service's cleanup as Postfix's post_mail does, marked {@code
 * trace_flags=256} (an MTA probe), with an empty body; cleanup wakes qmgr as for any mail. While
 * it runs, smtpd and qmgr reach it through {@link Wiring}.
 *
 * <p>Failure: an {@code address_verify_map} that cannot be opened, or a malformed {@code
 * address_verify_sender}, fails the start naming the entry.
 */
final class VerifyService implements Service {
  private final ServiceContext context;
  private final Wiring wiring;
  private final Cleanup cleanup;
  private final AddressVerifier verifier;
  private final Duration cleanupInterval;
  private ScheduledExecutorService cleanups;

  private VerifyService(ServiceContext context, Wiring wiring, Cleanup cleanup,
      AddressVerifier verifier, Duration cleanupInterval) {
    this.context = context;
    this.wiring = wiring;
    this.cleanup = cleanup;
    this.verifier = verifier;
    this.cleanupInterval = cleanupInterval;
  }

  static Service create(ServiceContext context, Wiring wiring) throws IOException {
    Cleanup cleanup = null;
    try {
      cleanup = CleanupService.open(context);
      VerifySettings settings = VerifySettings.from(context.config());
      MailSubmitter submitter = new CleanupSubmitter(cleanup, wiring::wakeQmgr);
      AddressVerifier verifier = AddressVerifier.open(settings,
          (sender, recipient) -> submitter.submit(MailSubmitter.Kind.PROBE, probe(sender, recipient),
              out -> { }),
          Clock.systemDefaultZone(), context.log());
      return new VerifyService(context, wiring, cleanup, verifier, settings.cleanupInterval());
    } catch (ConfigException | TableException | RuntimeException e) {
      if (cleanup != null) {
        cleanup.close();
      }
      throw new IOException(context.name() + ": " + e.getMessage(), e);
    }
  }

  private static Envelope probe(String sender, String recipient) {
    Envelope plain = Envelope.of(sender, List.of(Recipient.of(recipient)));
    return new Envelope(plain.sender(), plain.recipients(), plain.dsnRet(), plain.envid(), false,
        false, plain.bodyType(), plain.client(),
        Map.of(TraceFlags.ATTRIBUTE, Integer.toString(TraceFlags.MTA_VERIFY)));
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() {
    wiring.verify(verifier);
    if (!cleanupInterval.isZero()) {
      cleanups = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
      long seconds = Math.max(1, cleanupInterval.toSeconds());
      // A first run at start, as Postfix's verify does when no run completed within the interval.
      cleanups.scheduleWithFixedDelay(verifier::cleanup, 0, seconds, TimeUnit.SECONDS);
    }
  }

  @Override
  public void stop(Duration grace) throws InterruptedException {
    wiring.forgetVerify(verifier);
    try {
      if (cleanups != null) {
        cleanups.shutdownNow();
        cleanups.awaitTermination(grace.toMillis() + 1, TimeUnit.MILLISECONDS);
      }
    } finally {
      verifier.close();
      cleanup.close();
    }
  }
}
