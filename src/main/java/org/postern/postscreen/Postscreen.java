package org.postern.postscreen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.dns.Resolver;
import org.postern.dnsbl.DnsLists;
import org.postern.table.TableException;

/**
 * The postscreen(8) server: listens on the {@code smtp inet ... postscreen} addresses and runs
 * each client through a {@link ScreenSession} in its own virtual thread. All listeners of one
 * service share one cache, one connection count per client address and one DNS list scorer, as
 * the single Postfix postscreen process does.
 *
 * <p>Failure: a busy port fails {@link #start}; a session's trouble never reaches another.
 */
public final class Postscreen {
  /** What every session of this server shares. */
  record Shared(PostscreenSettings settings, Clock clock, Optional<ScreenCache> cache,
      DnsblScore dnsbl, Handoff handoff, String smtpdService,
      Map<String, AtomicInteger> connections) {

    /** Counts a connection from {@code address}; returns how many it has now. */
    int connect(String address) {
      return connections.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
    }

    void disconnect(String address) {
      connections.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  private final Shared shared;
  private final Set<InetSocketAddress> addresses;
  private final Consumer<String> log;
  private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService cleanups =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
  private final Set<ServerSocket> listeners = ConcurrentHashMap.newKeySet();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

  /**
   * A server for {@code settings} on {@code addresses}; DNS lists are asked through {@code
   * resolver}; passed clients go to {@code handoff} (the {@code smtpdService} entry); every log
   * line goes to {@code log}.
   *
   * @throws ConfigException for a bad postscreen setting
   * @throws TableException when {@code postscreen_dnsbl_reply_map} cannot be read or {@code
   *     postscreen_cache_map} cannot be opened
   */
  public Postscreen(MainConfig config, Set<InetSocketAddress> addresses,
      Resolver resolver, Handoff handoff, Clock clock, Consumer<String> log)
      throws ConfigException, TableException {
    PostscreenSettings settings = PostscreenSettings.fromConfig(config);
    DnsblScore dnsbl = new DnsblScore(settings, new DnsLists(resolver), lookups);
    Optional<ScreenCache> cache = settings.cache()
        ? Optional.of(ScreenCache.open(settings.cacheMap(), settings::enabled,
            settings.cacheRetention(), log))
        : Optional.empty();
    this.shared = new Shared(settings, clock, cache, dnsbl, handoff,
        config.get("smtpd_service_name"), new ConcurrentHashMap<>());
    this.addresses = Set.copyOf(addresses);
    this.log = log;
  }

  public void start() throws IOException {
    Duration interval = shared.settings().cacheCleanupInterval();
    if (shared.cache().isPresent() && !interval.isZero()) {
      ScreenCache cache = shared.cache().get();
      // A first run at start, as Postfix's does when no run completed within the interval.
      cleanups.scheduleWithFixedDelay(() -> cache.cleanup(shared.clock().instant()), 0,
          Math.max(1, interval.toSeconds()), TimeUnit.SECONDS);
    }
    for (InetSocketAddress a : addresses) {
      ServerSocket listener = new ServerSocket();
      listener.setReuseAddress(true);
      try {
        listener.bind(a);
      } catch (IOException e) {
        listener.close();
        stop();
        throw new IOException("bind " + a + ": " + e.getMessage(), e);
      }
      listeners.add(listener);
      Thread.ofVirtual().name("postscreen-accept").start(() -> accept(listener));
    }
  }

  private void accept(ServerSocket listener) {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        clients.add(client);
        Thread.ofVirtual().name("postscreen-" + client.getPort()).start(() -> serve(client));
      } catch (SocketException e) {
        return;
      } catch (IOException e) {
        log.accept("warning: accept connection: " + e.getMessage());
      }
    }
  }

  private void serve(Socket client) {
    try {
      client.setTcpNoDelay(true);
      new ScreenSession(shared, client, log).run();
    } catch (IOException e) {
      log.accept("warning: cannot set up session for " + client.getRemoteSocketAddress() + ": " + e.getMessage());
    } finally {
      clients.remove(client);
    }
  }

  /**
   * Closes the listeners and the sessions still being screened (smtpd's are smtpd's), then the
   * cache.
   */
  public void stop() {
    for (ServerSocket l : listeners) {
      try {
        l.close();
      } catch (IOException e) {
        log.accept("warning: close listener: " + e.getMessage());
      }
    }
    listeners.clear();
    for (Socket c : clients) {
      try {
        c.close();
      } catch (IOException e) {
        // Gone either way.
      }
    }
    lookups.shutdownNow();
    cleanups.shutdownNow();
    try {
      // A cleanup run in progress must not find its table closed under it.
      cleanups.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shared.cache().ifPresent(ScreenCache::close);
  }
}
