package org.postern.mtasts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.Resolver;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;

/**
 * Finds the MTA-STS policy in force for a recipient domain (RFC 8461 sections 3 and 5.1): the
 * {@code _mta-sts} TXT record through Postern's resolver, the cached policy when the record's id
 * is the one it was fetched under and its refresh is not due ({@link ActivePolicy#refreshAt}),
 * else a fresh fetch, which replaces the cache entry and restarts the policy's {@code max_age}.
 * Only a fetch restarts it: using a cached policy under the same id changes nothing in the cache.
 *
 * <p>Failure never blocks mail by itself: a TXT lookup that fails, a domain whose record is gone
 * and a fetch that fails all leave the unexpired cached policy in force (RFC 8461 sections 3.3 and
 * 5.1: an attacker must not be able to remove a policy by blocking DNS or HTTPS), or, with none
 * cached, no policy. A failed fetch goes to the negative cache ({@link FetchFailure}), which holds
 * further fetches of the domain back, and to {@code warnings}, as do cache-write failures.
 */
public final class MtaStsLookup {
  /** What to fetch with and where to keep policies. */
  public record Settings(Path cacheDirectory, Duration fetchTimeout, InetProtocols protocols) {}

  /** Fetches one domain's policy text; a seam for tests. */
  interface Source {
    String fetch(String domain) throws PolicyException;
  }

  private final Resolver resolver;
  private final Source source;
  private final PolicyCache cache;
  private final Clock clock;
  private final Consumer<String> warnings;

  MtaStsLookup(
      Resolver resolver, Source source, PolicyCache cache, Clock clock, Consumer<String> warnings) {
    this.resolver = resolver;
    this.source = source;
    this.cache = cache;
    this.clock = clock;
    this.warnings = warnings;
  }

  /**
   * The lookup {@code settings} describe, trusting for the policy host the JDK's anchors and
   * those of {@code trust} (the SMTP client's {@code smtp_tls_CAfile} and {@code
   * smtp_tls_CApath}).
   */
  public static MtaStsLookup create(Settings settings, ServerCertificateCheck trust,
      Resolver resolver, Clock clock, Consumer<String> warnings) throws TlsConfigException {
    PolicyFetcher fetcher = new PolicyFetcher(resolver, settings.protocols(),
        PolicyFetcher.trusting(trust), settings.fetchTimeout());
    return new MtaStsLookup(resolver, fetcher::fetch, new PolicyCache(settings.cacheDirectory()),
        clock, warnings);
  }

  /** The policy of {@code domain} (any mode, {@code none} included), or empty when it has none. */
  public Optional<ActivePolicy> policy(String domain) {
    Instant now = clock.instant();
    Optional<ActivePolicy> cached = cache.read(domain).filter(p -> !p.expired(now));
    Optional<StsRecord> announced;
    try {
      announced = StsRecord.select(resolver.txt("_mta-sts." + domain).records());
    } catch (DnsLookupException e) {
      return cached;
    }
    if (announced.isEmpty()) {
      return cached;
    }
    String id = announced.get().id();
    boolean current = cached.filter(p -> p.id().equals(id) && now.isBefore(p.refreshAt()))
        .isPresent();
    Optional<FetchFailure> failed = cache.readFailure(domain);
    if (current || failed.filter(f -> now.isBefore(f.retryAt(id))).isPresent()) {
      return cached;
    }
    return fetchAndCache(domain, id, now, failed).or(() -> cached);
  }

  private Optional<ActivePolicy> fetchAndCache(
      String domain, String id, Instant now, Optional<FetchFailure> failed) {
    ActivePolicy fresh;
    try {
      fresh = fetch(domain, id, now);
    } catch (PolicyException e) {
      FetchFailure f = failed.map(old -> old.then(id, now, e.getMessage()))
          .orElseGet(() -> FetchFailure.first(domain, id, now, e.getMessage()));
      boolean kept = cache.read(domain).filter(p -> !p.expired(now)).isPresent();
      warnings.accept("MTA-STS policy fetch for " + domain + " (id " + id + ") failed: "
          + e.getMessage() + (kept ? "; keeping the cached policy" : "")
          + "; next attempt in " + f.backoff().toMinutes() + " minutes");
      store(domain, () -> cache.writeFailure(f));
      return Optional.empty();
    }
    store(domain, () -> cache.write(fresh));
    if (failed.isPresent()) {
      store(domain, () -> cache.clearFailure(domain));
    }
    return Optional.of(fresh);
  }

  private ActivePolicy fetch(String domain, String id, Instant now) throws PolicyException {
    String text = source.fetch(domain);
    return new ActivePolicy(domain, id, now, MtaStsPolicy.parse(text), text);
  }

  /** A cache update that may fail without stopping the delivery. */
  private interface CacheWrite {
    void run() throws IOException;
  }

  private void store(String domain, CacheWrite write) {
    try {
      write.run();
    } catch (IOException e) {
      warnings.accept("MTA-STS policy cache for " + domain + ": " + e.getMessage());
    }
  }

  /**
   * What {@code postern mta-sts-check} shows: the TXT records, a fetch made now whatever the
   * cache and the negative cache say, and the cache as it is. Writes nothing, so that running
   * the check (perhaps as another user than the SMTP client) leaves the cache as it was.
   */
  public Inspection inspect(String domain) {
    Instant now = clock.instant();
    List<String> txt = List.of();
    Optional<String> txtError = Optional.empty();
    try {
      txt = resolver.txt("_mta-sts." + domain).records();
    } catch (DnsLookupException e) {
      txtError = Optional.of(e.getMessage());
    }
    Optional<String> id = StsRecord.select(txt).map(StsRecord::id);
    Optional<ActivePolicy> fetched = Optional.empty();
    Optional<String> fetchError = Optional.empty();
    if (id.isPresent()) {
      try {
        fetched = Optional.of(fetch(domain, id.get(), now));
      } catch (PolicyException e) {
        fetchError = Optional.of(e.getMessage());
      }
    }
    return new Inspection(domain, now, txt, txtError, id, fetched, fetchError,
        cache.read(domain), cache.readFailure(domain));
  }
}
