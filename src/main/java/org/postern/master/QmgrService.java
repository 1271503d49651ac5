package org.postern.master;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.postern.bounce.BounceService;
import org.postern.cleanup.Cleanup;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.config.ServiceType;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.MailSubmitter;
import org.postern.log.ProgramLog;
import org.postern.qmgr.QmgrSettings;
import org.postern.qmgr.QueueManager;
import org.postern.qmgr.Transports;
import org.postern.qmgr.VirtualThreadScheduler;
import org.postern.queue.Queues;
import org.postern.rewrite.TrivialRewrite;
import org.postern.table.TableException;
import org.postern.table.Tables;

/**
 * The {@code qmgr unix} master.cf entry running qmgr(8), with what it calls in process:
 * trivial-rewrite for routing, the delivery agents of every master.cf transport entry this build
 * has, and bounce for notifications (which, like local forwarding, queue mail through cleanup).
 *
 * <p>Failure: a transport entry whose agent cannot be made, or a table of trivial-rewrite or
 * cleanup that does not open, fails start-up naming it. A transport this build lacks (smtp, until
 * the SMTP client lands) is not in the table: qmgr defers its mail with "mail transport
 * unavailable", as Postfix does for a missing master.cf service.
 */
final class QmgrService implements Service {
  private final ServiceContext context;
  private final Wiring wiring;
  private final Cleanup cleanup;
  private final TrivialRewrite rewrite;
  private final TrivialRewrite probeRewrite;
  private final QueueManager manager;
  private final List<AutoCloseable> agents;

  private QmgrService(ServiceContext context, Wiring wiring, Cleanup cleanup, TrivialRewrite rewrite,
      TrivialRewrite probeRewrite, QueueManager manager, List<AutoCloseable> agents) {
    this.context = context;
    this.wiring = wiring;
    this.cleanup = cleanup;
    this.rewrite = rewrite;
    this.probeRewrite = probeRewrite;
    this.manager = manager;
    this.agents = List.copyOf(agents);
  }

  static Service create(ServiceContext context, Wiring wiring) throws IOException {
    MainConfig config = context.config();
    Cleanup cleanup = null;
    TrivialRewrite rewrite = null;
    TrivialRewrite probeRewrite = null;
    try {
      cleanup = CleanupService.open(context);
      MailSubmitter submitter = new CleanupSubmitter(cleanup, wiring::wakeQmgr);
      rewrite = TrivialRewrite.create(config, Tables::open);
      probeRewrite = TrivialRewrite.create(probeRouting(config), Tables::open);
      Queues queues = Queues.at(config.getPath("queue_directory"));
      Clock clock = Clock.systemDefaultZone();
      BounceService bounce =
          new BounceService(config, queues, submitter, clock, context.unixLog("bounce"));
      List<AutoCloseable> agents = new ArrayList<>();
      QueueManager manager =
          new QueueManager(QmgrSettings.from(config), queues,
              new QueueManager.Probes(probeRewrite, wiring.verifyClient()), rewrite,
              transports(config, submitter, agents, context::unixLog), bounce,
              context.log(),
              context::unixLog, clock, new VirtualThreadScheduler());
      return new QmgrService(context, wiring, cleanup, rewrite, probeRewrite, manager, agents);
    } catch (ConfigException | TableException | IOException | RuntimeException e) {
      if (rewrite != null) {
        rewrite.close();
      }
      if (probeRewrite != null) {
        probeRewrite.close();
      }
      if (cleanup != null) {
        cleanup.close();
      }
      throw e instanceof IOException io ? io : new IOException(context.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The configuration trivial-rewrite routes address probes with: each routing parameter replaced
   * by its {@code address_verify_} counterpart, as Postfix's resolve_clnt_verify.
   */
  private static MainConfig probeRouting(MainConfig config) throws ConfigException {
    return config.withOverrides(Map.of(
        "transport_maps", config.get("address_verify_transport_maps"),
        "relayhost", config.get("address_verify_relayhost"),
        "local_transport", config.get("address_verify_local_transport"),
        "virtual_transport", config.get("address_verify_virtual_transport"),
        "relay_transport", config.get("address_verify_relay_transport"),
        "default_transport", config.get("address_verify_default_transport")));
  }

  /** Every master.cf unix entry whose command is a delivery agent of this build. */
  private static Transports transports(MainConfig config, MailSubmitter submitter,
      List<AutoCloseable> closeable, Function<String, ProgramLog> logs)
      throws IOException, ConfigException {
    Map<String, DeliveryAgent> agents = new HashMap<>();
    Map<String, Integer> limits = new HashMap<>();
    int defaultLimit = config.getInt("default_process_limit");
    List<String> problems = new ArrayList<>();
    for (MasterService entry : config.masterCf().services()) {
      if (entry.type() != ServiceType.UNIX || !DeliveryAgents.COMMANDS.contains(entry.command())) {
        continue;
      }
      Optional<DeliveryAgent> agent;
      try {
        agent = DeliveryAgents.create(entry, config.withOverrides(entry), submitter, logs);
      } catch (IOException e) {
        problems.add(e.getMessage()); // every transport that cannot be made, not the first
        continue;
      }
      if (agent.isPresent()) {
        agents.put(entry.service(), agent.get());
        if (agent.get() instanceof AutoCloseable c) {
          closeable.add(c);
        }
        int maxproc = entry.maxproc(defaultLimit);
        limits.put(entry.service(), maxproc == 0 ? Integer.MAX_VALUE : maxproc);
      }
    }
    if (!problems.isEmpty()) {
      IOException failure = new IOException(String.join("\n", problems));
      for (AutoCloseable c : closeable) {
        try {
          c.close();
        } catch (Exception e) {
          failure.addSuppressed(e); // the start fails anyway; the report is the problems above
        }
      }
      throw failure;
    }
    return Transports.of(agents, limits, defaultLimit);
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() throws IOException {
    manager.start();
    wiring.qmgr(manager);
  }

  @Override
  public void stop(Duration grace) throws InterruptedException {
    wiring.forgetQmgr(manager);
    try {
      manager.stop(grace);
    } finally {
      for (AutoCloseable agent : agents) {
        closeQuietly(agent);
      }
      rewrite.close();
      probeRewrite.close();
      cleanup.close();
    }
  }

  private void closeQuietly(AutoCloseable agent) {
    try {
      agent.close();
    } catch (Exception e) {
      context.log().warn(context.name() + ": closing a delivery agent: " + e.getMessage());
    }
  }
}
