package org.postern.master;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The daemons this build can run, by the master.cf command name that selects them. A master.cf
 * entry whose command is not here is skipped with a warning, never imitated.
 *
 * <p>Failure: registering a command twice is an IllegalArgumentException (a wiring mistake).
 */
public final class ServiceRegistry {
  private final Map<String, ServiceFactory> factories = new LinkedHashMap<>();

  /**
   * The daemons of this build. Each daemon is wired here with one {@link #register} line when it
   * joins the master; until then its master.cf entries are reported as not available.
   */
  public static ServiceRegistry standard() {
    Wiring wiring = new Wiring();
    ServiceRegistry registry =
        new ServiceRegistry()
            .register("smtpd", ctx -> SmtpdService.create(ctx, wiring))
            .register("cleanup", CleanupService::create)
            .register("pickup", ctx -> PickupService.create(ctx, wiring))
            .register("qmgr", ctx -> QmgrService.create(ctx, wiring))
            .register("verify", ctx -> VerifyService.create(ctx, wiring))
            .register("postscreen", ctx -> PostscreenService.create(ctx, wiring));
    for (String command : DeliveryAgents.COMMANDS) {
      registry.register(command, EmbeddedService::new);
    }
    registry.register("trivial-rewrite", EmbeddedService::new).register("bounce", EmbeddedService::new);
    // postscreen's helpers: its DNS list lookups and (absent) STARTTLS run inside postscreen.
    registry.register("dnsblog", EmbeddedService::new).register("tlsproxy", EmbeddedService::new);
    return registry;
  }

  /** Adds the factory for master.cf command {@code command}; returns this registry. */
  public ServiceRegistry register(String command, ServiceFactory factory) {
    if (factories.putIfAbsent(command, factory) != null) {
      throw new IllegalArgumentException("command registered twice: " + command);
    }
    return this;
  }

  /** The factory for master.cf command {@code command}, if this build has one. */
  public Optional<ServiceFactory> find(String command) {
    return Optional.ofNullable(factories.get(command));
  }

  /** The command names this build can run, in registration order. */
  public Set<String> commands() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(factories.keySet()));
  }
}
