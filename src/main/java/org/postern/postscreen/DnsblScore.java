package org.postern.postscreen;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.postern.dnsbl.DnsLists;
import org.postern.dnsbl.DnsblSite;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * The combined DNS list score of one client ({@code postscreen_dnsbl_sites}): every list domain
 * is asked once, in parallel; each site of that domain whose filter matches the reply adds its
 * weight. The name a rejected client is told is that of the matching site with the largest
 * weight, translated by {@code postscreen_dnsbl_reply_map}. The score's TTL is the smallest TTL
 * of the answers that made it a failure (score above zero) or a pass, clamped to {@code
 * postscreen_dnsbl_min_ttl}..{@code postscreen_dnsbl_max_ttl}.
 *
 * <p>Failure: a list that does not answer, or answers after the greeting wait, adds nothing (its
 * query keeps running in the background until {@code postscreen_dnsbl_timeout}).
 */
final class DnsblScore {
  /** The score so far; {@code name} is empty when no site matched. */
  record Result(int score, Optional<String> name, Duration ttl) {}

  private final PostscreenSettings settings;
  private final DnsLists lists;
  private final Executor executor;
  private final Map<String, String> safeNames;

  /**
   * Fails with a TableException when {@code postscreen_dnsbl_reply_map} cannot be read: Postfix
   * stops at start-up then too.
   */
  DnsblScore(PostscreenSettings settings, DnsLists lists, Executor executor) throws TableException {
    this.settings = settings;
    this.safeNames = safeNames(settings);
    this.lists = lists;
    this.executor = executor;
  }

  /** The lookups of one client, started now. */
  final class Pending {
    private final Map<String, CompletableFuture<DnsLists.Answer>> answers = new LinkedHashMap<>();
    private final CompletableFuture<Void> all;

    private Pending(InetAddress client) {
      Map<String, DnsblSite> firstByDomain = new LinkedHashMap<>();
      for (DnsblSite site : settings.dnsblSites()) {
        firstByDomain.putIfAbsent(site.domain(), site);
      }
      for (String domain : firstByDomain.keySet()) {
        String query = DnsLists.addressQuery(client, domain);
        // The filter is applied per site below, so ask without one.
        DnsblSite unfiltered = new DnsblSite(domain, domain, Optional.empty(), 1);
        answers.put(domain, CompletableFuture.supplyAsync(() -> lists.ask(query, unfiltered), executor));
      }
      all = CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new));
    }

    /** Completes when every list answered. */
    CompletableFuture<Void> done() {
      return all;
    }

    /** The score from the answers that are in now. */
    Result result() {
      int total = 0;
      int bestWeight = Integer.MIN_VALUE;
      Optional<String> name = Optional.empty();
      long failTtl = -1;
      long passTtl = -1;
      for (DnsblSite site : settings.dnsblSites()) {
        CompletableFuture<DnsLists.Answer> f = answers.get(site.domain());
        DnsLists.Answer answer = f.isDone() ? f.join() : new DnsLists.Answer.Unavailable("pending");
        switch (answer) {
          case DnsLists.Answer.Listed listed -> {
            if (site.filter().isEmpty() || listed.replies().stream().anyMatch(a -> site.filter().get().matches(a))) {
              if (name.isEmpty() || bestWeight < site.weight()) {
                name = Optional.of(safeNames.get(site.domain()));
                bestWeight = site.weight();
              }
              total += site.weight();
            }
            if (site.weight() > 0) {
              failTtl = min(failTtl, listed.ttl());
            } else {
              passTtl = min(passTtl, listed.ttl());
            }
          }
          case DnsLists.Answer.NotListed notListed -> {
            if (site.weight() > 0) {
              passTtl = min(passTtl, notListed.ttl());
            } else {
              failTtl = min(failTtl, notListed.ttl());
            }
          }
          case DnsLists.Answer.Unavailable u -> { }
        }
      }
      long ttl = total > 0 ? failTtl : passTtl;
      // As dnsblog(8): no TTL at all (-1) means the minimum.
      ttl = Math.max(ttl, settings.dnsblMinTtl().toSeconds());
      ttl = Math.min(ttl, settings.dnsblMaxTtl().toSeconds());
      return new Result(total, name, Duration.ofSeconds(ttl));
    }
  }

  Pending start(InetAddress client) {
    return new Pending(client);
  }

  private static long min(long current, int ttl) {
    return ttl < 0 ? current : current < 0 ? ttl : Math.min(current, ttl);
  }

  /** Each list's name as clients are told it ({@code postscreen_dnsbl_reply_map}), read once. */
  private static Map<String, String> safeNames(PostscreenSettings settings) throws TableException {
    Map<String, String> names = new LinkedHashMap<>();
    for (DnsblSite site : settings.dnsblSites()) {
      if (!names.containsKey(site.domain())) {
        String safe = site.domain();
        for (LookupTable map : settings.dnsblReplyMap()) {
          Optional<String> found = map.find(site.domain());
          if (found.isPresent()) {
            safe = found.get().strip();
            break;
          }
        }
        names.put(site.domain(), safe);
      }
    }
    return Map.copyOf(names);
  }
}
