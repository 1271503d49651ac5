package org.postern.master;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.postern.cleanup.Cleanup;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.config.ServiceType;
import org.postern.log.ProgramLog;
import org.postern.queue.Queues;
import org.postern.table.TableException;
import org.postern.table.Tables;

/**
 * The {@code cleanup unix} master.cf entry. In Postern cleanup(8) is not a process of its own: it
 * runs in the thread of each smtpd or pickup session that hands it a message. This entry still
 * matters, as in Postfix: its {@code -o} settings shape the cleanup that {@code
 * $cleanup_service_name} names, and starting it checks that cleanup's tables open.
 *
 * <p>Failure: a table in canonical_maps, virtual_alias_maps, header_checks or body_checks that
 * cannot be opened fails start-up naming the parameter.
 */
final class CleanupService implements Service {
  private final ServiceContext context;

  private CleanupService(ServiceContext context) {
    this.context = context;
  }

  static Service create(ServiceContext context) {
    return new CleanupService(context);
  }

  /**
   * The cleanup that the service described by {@code client} hands messages to: the client's
   * configuration (its {@code -o receive_override_options}, {@code content_filter}, ... reach
   * cleanup, as Postfix's smtpd and pickup pass them on) with the {@code $cleanup_service_name}
   * entry's {@code -o} on top; logging as {@code cleanup} under that entry's own {@code
   * syslog_name}, not the client's.
   */
  static Cleanup open(ServiceContext client) throws ConfigException, TableException {
    MainConfig config = client.config();
    String name = config.get("cleanup_service_name");
    MasterService entry = config.masterCf().find(name, ServiceType.UNIX).orElse(null);
    MainConfig view = entry == null ? config : config.withOverrides(entry);
    ProgramLog log = client.cleanupLog();
    return Cleanup.create(
        view, Queues.at(view.getPath("queue_directory")), Clock.systemDefaultZone(), Tables::open, log::info);
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() throws IOException {
    try {
      open(context).close();
    } catch (ConfigException | TableException e) {
      throw new IOException(context.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void stop(Duration grace) {
    // Nothing runs here: messages in flight belong to the smtpd and pickup sessions.
  }

  @Override
  public boolean reload(ServiceContext next) throws IOException {
    new CleanupService(next).start();
    return true;
  }
}
