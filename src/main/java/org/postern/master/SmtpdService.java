package org.postern.master;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postern.cleanup.Cleanup;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.config.ServiceType;
import org.postern.log.ProgramLog;
import org.postern.rewrite.TrivialRewrite;
import org.postern.smtpd.SessionLimit;
import org.postern.smtpd.Smtpd;
import org.postern.smtpd.SmtpdSettings;
import org.postern.table.TableException;
import org.postern.table.Tables;
import org.postern.tls.TlsConfigException;

/**
 * An {@code inet} master.cf entry running smtpd(8): one listener per address the entry names,
 * each session handing its message to this service's cleanup.
 *
 * <p>cleanup runs inside the session's thread (Postfix talks to a cleanup process over a
 * socket); it is built from the configuration as the {@code $cleanup_service_name} entry sees it.
 * So is trivial-rewrite's resolver, which the relay and recipient checks ask for address
 * classes, built from this entry's configuration as Postfix's smtpd asks its own resolver.
 *
 * <p>A {@code pass} entry ({@code smtpd pass - - y - - smtpd}) listens on nothing: postscreen
 * hands it the clients it let in, through {@link Wiring}, by the entry's service name
 * ({@code $smtpd_service_name}).
 *
 * <p>Failure: a port in use, a missing key file or a table that cannot be opened fail {@link
 * #start} (or the factory) with a message naming the entry.
 */
final class SmtpdService implements Service {
  private final ServiceContext context;
  private final Cleanup cleanup;
  private final TrivialRewrite resolver;
  private final List<Smtpd> listeners = new ArrayList<>();
  private final Wiring wiring;

  private SmtpdService(ServiceContext context, Cleanup cleanup, TrivialRewrite resolver,
      List<Smtpd> listeners, Wiring wiring) {
    this.context = context;
    this.wiring = wiring;
    this.cleanup = cleanup;
    this.resolver = resolver;
    this.listeners.addAll(listeners);
  }

  static Service create(ServiceContext context, Wiring wiring) throws IOException {
    TrivialRewrite resolver = null;
    try {
      resolver = TrivialRewrite.create(context.config(), Tables::open);
      MainConfig config = withMaxproc(context);
      SmtpdSettings settings = SmtpdSettings.fromConfig(config, resolver, wiring.verifyClient());
      // A stressed smtpd is Postfix's smtpd started with -o stress=yes: every ${stress?...}
      // default, and the policy attribute, as that process would see them.
      SmtpdSettings stressed = SmtpdSettings.fromConfig(
          config.withOverrides(Map.of("stress", "yes")), resolver, wiring.verifyClient());
      Cleanup cleanup = CleanupService.open(context);
      SmtpdCleanupSink sink =
          new SmtpdCleanupSink(
              cleanup, context.cleanupLog(), context.config().get("content_filter"),
              wiring::wakeQmgr);
      ProgramLog log = context.log();
      boolean pass = context.entry().type() == ServiceType.PASS;
      List<InetSocketAddress> addresses =
          pass ? List.of() : ListenAddress.of(context.entry(), context.config());
      ProgramLog master = context.mailLog().program("master");
      SessionLimit limit = new SessionLimit(context.processLimit(), settings.processLimit(),
          "\"" + context.entry().service() + "\" (" + internalName(context.entry().service(), addresses, pass) + ")", master::warn,
          Clock.systemUTC());
      List<Smtpd> listeners = new ArrayList<>();
      Smtpd.Load load = new Smtpd.Load(limit, stressed);
      if (pass) {
        listeners.add(Smtpd.passOnly(settings, load, sink, Duration.ofSeconds(30),
            Clock.systemDefaultZone(), log::info, () -> log.process()::info));
      }
      for (InetSocketAddress address : addresses) {
        listeners.add(new Smtpd(settings, load, sink, address,
            Duration.ofSeconds(30), Clock.systemDefaultZone(), log::info, () -> log.process()::info));
      }
      return new SmtpdService(context, cleanup, resolver, listeners, wiring);
    } catch (ConfigException | TableException e) {
      if (resolver != null) {
        resolver.close();
      }
      throw new IOException(context.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The entry's name as Postfix's master knows it in its warnings: the port, or {@code
   * [address]:port} for an entry with a host.
   */
  private static String internalName(
      String service, List<InetSocketAddress> addresses, boolean pass) {
    if (pass) {
      return "private/" + service;
    }
    InetSocketAddress first = addresses.get(0);
    return service.contains(":")
        ? "[" + first.getAddress().getHostAddress() + "]:" + first.getPort()
        : Integer.toString(first.getPort());
  }

  /**
   * The configuration smtpd reads, with master.cf's maxproc as its session limit: smtpd sizes its
   * session semaphore from {@code default_process_limit}, which a maxproc of {@code -} means.
   */
  private static MainConfig withMaxproc(ServiceContext context) throws ConfigException {
    MainConfig config = context.config();
    int maxproc = context.entry().maxproc(config.getInt("default_process_limit"));
    int sessions = maxproc == 0 ? Integer.MAX_VALUE : maxproc;
    return config.withOverrides(Map.of("default_process_limit", Integer.toString(sessions)));
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() throws IOException {
    for (Smtpd smtpd : listeners) {
      try {
        smtpd.start();
      } catch (TlsConfigException e) {
        throw new IOException(context.name() + ": " + e.getMessage(), e);
      }
      if (context.entry().type() == ServiceType.PASS) {
        wiring.passService(context.entry().service(), smtpd);
      }
    }
  }

  @Override
  public void stop(Duration grace) throws InterruptedException {
    try {
      for (Smtpd smtpd : listeners) {
        wiring.forgetPassService(context.entry().service(), smtpd);
        smtpd.stop();
      }
    } finally {
      cleanup.close();
      resolver.close();
    }
  }
}
