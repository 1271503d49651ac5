package org.postern.master;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.postern.cleanup.Cleanup;
import org.postern.config.ConfigException;
import org.postern.log.ProgramLog;
import org.postern.pickup.Pickup;
import org.postern.pickup.PickupLog;
import org.postern.pickup.PickupSettings;
import org.postern.queue.Queues;
import org.postern.table.TableException;

/**
 * The {@code pickup unix} master.cf entry running pickup(8): maildrop files from sendmail and
 * {@code postsuper -r} go through this service's cleanup into the incoming queue.
 *
 * <p>Failure: a pickup socket that cannot be bound or a cleanup table that cannot be opened fail
 * start-up naming the entry.
 */
final class PickupService implements Service {
  private final ServiceContext context;
  private final Cleanup cleanup;
  private final Pickup pickup;

  private PickupService(ServiceContext context, Cleanup cleanup, Pickup pickup) {
    this.context = context;
    this.cleanup = cleanup;
    this.pickup = pickup;
  }

  static Service create(ServiceContext context, Wiring wiring) throws IOException {
    try {
      Cleanup cleanup = CleanupService.open(context);
      ProgramLog log = context.log();
      PickupLog pickupLog =
          new PickupLog() {
            @Override
            public void info(String message) {
              log.info(message);
            }

            @Override
            public void warning(String message) {
              log.warn(message);
            }
          };
      Pickup pickup =
          new Pickup(
              Queues.at(context.config().getPath("queue_directory")),
              new PickupCleanupSink(cleanup, context.config().get("content_filter"), wiring::wakeQmgr),
              PickupSettings.from(context.config()),
              pickupLog,
              Clock.systemDefaultZone());
      return new PickupService(context, cleanup, pickup);
    } catch (ConfigException | TableException e) {
      throw new IOException(context.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() throws IOException {
    pickup.start();
  }

  @Override
  public void stop(Duration grace) throws InterruptedException {
    try {
      pickup.stop();
    } finally {
      cleanup.close();
    }
  }
}
