package org.postern.smtpd;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The client's name as smtpd logs and checks it: the reverse lookup of its address (what {@link
 * InetAddress#getCanonicalHostName()} gives, the literal when there is no name), made where it
 * cannot stall other sessions.
 *
 * <p>A reverse lookup is a blocking system call that holds the virtual thread's carrier for as
 * long as the DNS takes (seconds, when a PTR zone does not answer). During a connection flood a
 * few carriers stuck that way starved every session, the acceptor included: a fresh client
 * waited seconds for its greeting. So lookups run on a small pool of platform threads while the
 * session waits without holding a carrier, and concurrent or recent (within {@link #REUSE})
 * lookups of one address are one lookup, so that a flood from a few addresses costs a few.
 *
 * <p>Thread-safe. Failure: none; a lookup that fails gives the literal address, as the JDK's.
 */
final class ClientNames {
  /** How long a finished lookup answers for its address (the JDK's negative-cache time). */
  static final Duration REUSE = Duration.ofSeconds(10);

  private static final int THREADS = 32;
  private static final int MAX_ENTRIES = 4096;

  /** One per JVM, as the JDK's own name cache. */
  static final ClientNames SHARED = new ClientNames();

  private record Lookup(CompletableFuture<String> name, long started) {}

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS,
      Thread.ofPlatform().daemon().name("smtpd-lookup-", 0).factory());
  private final Map<InetAddress, Lookup> lookups = new ConcurrentHashMap<>();

  private ClientNames() {}

  /** The canonical name of {@code address}, or its literal; waits without pinning a carrier. */
  String canonicalName(InetAddress address) {
    long now = System.nanoTime();
    Lookup lookup = lookups.compute(address,
        (a, old) -> old != null && (!old.name().isDone() || now - old.started() < REUSE.toNanos())
            ? old
            : new Lookup(CompletableFuture.supplyAsync(a::getCanonicalHostName, pool), now));
    if (lookups.size() > MAX_ENTRIES) {
      lookups.values().removeIf(l -> l.name().isDone() && now - l.started() >= REUSE.toNanos());
    }
    try {
      return lookup.name().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return address.getHostAddress();
    } catch (ExecutionException e) {
      return address.getHostAddress();
    }
  }
}
