package org.postern.mtasts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.Resolver;
import org.postern.tls.TlsConfigException;

/**
 * Finds the MTA-STS policy in force for a recipient domain (RFC 8461 sections 3 and 5.1): the
 * {@code _mta-sts} TXT record through Postern's resolver, the cached policy when the record's id
 * is the one it was fetched under and it has not outlived {@code max_age}, else a fresh fetch,
 * which replaces the cache entry.
 *
 * <p>Failure never blocks mail by itself: a TXT lookup that fails, a domain whose record is gone
 * and a fetch that fails all leave the unexpired cached policy in force (RFC 8461 sections 3.3 and
 * 5.1: an attacker must not be able to remove a policy by blocking DNS or HTTPS), or, with none
 * cached, no policy. Fetch and cache-write failures go to {@code warnings}; {@link #lookup} also
 * says why a fetch left a domain without a policy, for TLS reporting ({@link PolicyFailure}).
 */
public final class MtaStsLookup {
  /** What to fetch with and where to keep policies. */
  public record Settings(
      Path cacheDirectory, Duration fetchTimeout, String caFile, InetProtocols protocols) {}

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

  /** The lookup {@code settings} describe; a CA file that cannot be read throws. */
  public static MtaStsLookup create(
      Settings settings, Resolver resolver, Clock clock, Consumer<String> warnings)
      throws TlsConfigException {
    PolicyFetcher fetcher = new PolicyFetcher(resolver, settings.protocols(),
        PolicyFetcher.trusting(settings.caFile()), settings.fetchTimeout());
    return new MtaStsLookup(resolver, fetcher::fetch, new PolicyCache(settings.cacheDirectory()),
        clock, warnings);
  }

  /**
   * A domain's policy in force, or why a policy it announces could not be had: a failure only
   * when the fetch failed and no cached policy stands in.
   */
  public record Lookup(Optional<ActivePolicy> policy, Optional<PolicyFailure> failure) {
    public static final Lookup NONE = new Lookup(Optional.empty(), Optional.empty());

    static Lookup of(Optional<ActivePolicy> policy) {
      return new Lookup(policy, Optional.empty());
    }
  }

  /** The policy of {@code domain} (any mode, {@code none} included), or empty when it has none. */
  public Optional<ActivePolicy> policy(String domain) {
    return lookup(domain).policy();
  }

  /** The policy of {@code domain} as {@link #policy}, and why there is none when a fetch failed. */
  public Lookup lookup(String domain) {
    Instant now = clock.instant();
    Optional<ActivePolicy> cached = cache.read(domain).filter(p -> !p.expired(now));
    Optional<StsRecord> announced;
    try {
      DnsAnswer<String> txt = resolver.txt("_mta-sts." + domain);
      announced = StsRecord.select(txt.records());
    } catch (DnsLookupException e) {
      return Lookup.of(cached);
    }
    if (announced.isEmpty()
        || cached.filter(p -> p.id().equals(announced.get().id())).isPresent()) {
      return Lookup.of(cached);
    }
    String id = announced.get().id();
    ActivePolicy fresh;
    String text;
    try {
      text = source.fetch(domain);
    } catch (PolicyException e) {
      return failed(domain, id, cached, PolicyFailure.ofFetch(e));
    }
    try {
      fresh = new ActivePolicy(domain, id, now, MtaStsPolicy.parse(text), text);
    } catch (PolicyException e) {
      return failed(domain, id, cached,
          new PolicyFailure(PolicyFailure.Kind.POLICY_INVALID, e.getMessage()));
    }
    try {
      cache.write(fresh);
    } catch (IOException e) {
      warnings.accept("MTA-STS policy cache for " + domain + ": " + e.getMessage());
    }
    return Lookup.of(Optional.of(fresh));
  }

  private Lookup failed(
      String domain, String id, Optional<ActivePolicy> cached, PolicyFailure failure) {
    warnings.accept("MTA-STS policy fetch for " + domain + " (id " + id + ") failed: "
        + failure.text() + (cached.isPresent() ? "; keeping the cached policy" : ""));
    return cached.isPresent() ? Lookup.of(cached) : new Lookup(cached, Optional.of(failure));
  }
}
