package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;

class MtaStsLookupTest {
  private static final String ENFORCE =
      "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 3600\n";
  private static final String TESTING = ENFORCE.replace("enforce", "testing");

  @TempDir Path tmp;
  private final FakeDns dns = new FakeDns();
  private final SettableClock clock = new SettableClock();
  private final List<String> fetches = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private String served = ENFORCE;
  private boolean fetchFails;

  @BeforeEach
  void publish() {
    dns.txt = List.of("v=STSv1; id=one;");
  }

  private MtaStsLookup lookup() {
    return new MtaStsLookup(dns, domain -> {
      fetches.add(domain);
      if (fetchFails) {
        throw new PolicyException("HTTP status 404");
      }
      return served;
    }, new PolicyCache(tmp), clock, warnings::add);
  }

  @Test
  void policy_noTxtRecord_noPolicyNoFetch() {
    dns.txt = List.of("v=spf1 -all");

    assertThat(lookup().policy("example.com")).isEmpty();
    assertThat(fetches).isEmpty();
  }

  @Test
  void policy_sameIdBeforeRefresh_cachedNotFetchedAgainEvenAfterRestart() {
    assertThat(lookup().policy("example.com")).get()
        .extracting(p -> p.policy().mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    clock.advance(Duration.ofMinutes(29));
    served = TESTING;

    assertThat(lookup().policy("example.com")).get()
        .extracting(p -> p.policy().mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(fetches).hasSize(1);
  }

  @Test
  void policy_newId_fetchedAndCacheReplaced() {
    lookup().policy("example.com");
    dns.txt = List.of("v=STSv1; id=two;");
    served = TESTING;

    ActivePolicy p = lookup().policy("example.com").orElseThrow();

    assertThat(p.id()).isEqualTo("two");
    assertThat(p.policy().mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
    assertThat(new PolicyCache(tmp).read("example.com")).get()
        .extracting(ActivePolicy::id).isEqualTo("two");
    assertThat(fetches).hasSize(2);
  }

  @Test
  void policy_expired_fetchedAgainEvenWithSameId() {
    lookup().policy("example.com");
    clock.advance(Duration.ofHours(1));

    lookup().policy("example.com");

    assertThat(fetches).hasSize(2);
  }

  @Test
  void policy_txtGoneOrFailing_unexpiredCacheStillUsed() {
    lookup().policy("example.com");
    dns.txt = List.of();
    assertThat(lookup().policy("example.com")).isPresent();

    dns.failure = true;
    assertThat(lookup().policy("example.com")).isPresent();

    clock.advance(Duration.ofHours(2));
    assertThat(lookup().policy("example.com")).as("expired").isEmpty();
  }

  @Test
  void policy_fetchFails_cachedKeptOrNoneWarned() {
    fetchFails = true;
    assertThat(lookup().policy("example.com")).isEmpty();
    assertThat(warnings).singleElement().asString()
        .contains("MTA-STS policy fetch for example.com (id one) failed: HTTP status 404");

    fetchFails = false;
    clock.advance(Duration.ofMinutes(5));
    lookup().policy("example.com");
    dns.txt = List.of("v=STSv1; id=two;");
    fetchFails = true;
    assertThat(lookup().policy("example.com")).get().extracting(ActivePolicy::id).isEqualTo("one");
    assertThat(warnings.getLast())
        .endsWith("; keeping the cached policy; next attempt in 5 minutes");
  }

  @Test
  void policy_sameIdPastHalfMaxAge_refreshedAndLifetimeRestarted() {
    lookup().policy("example.com");
    clock.advance(Duration.ofMinutes(30));
    served = TESTING;

    ActivePolicy p = lookup().policy("example.com").orElseThrow();

    assertThat(p.policy().mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
    assertThat(p.fetched()).isEqualTo(clock.instant());
    assertThat(new PolicyCache(tmp).read("example.com")).contains(p);
    assertThat(fetches).hasSize(2);
  }

  @Test
  void policy_cacheUsedUnderSameId_cacheFileUnchanged() throws Exception {
    lookup().policy("example.com");
    String before = Files.readString(tmp.resolve("example.com"));
    clock.advance(Duration.ofMinutes(20));

    lookup().policy("example.com");

    assertThat(Files.readString(tmp.resolve("example.com"))).isEqualTo(before);
    assertThat(new PolicyCache(tmp).read("example.com").orElseThrow().expires())
        .isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
  }

  @Test
  void policy_refreshFails_cachedPolicyKeptAndRetriesBackedOff() {
    lookup().policy("example.com");
    clock.advance(Duration.ofMinutes(31));
    fetchFails = true;

    assertThat(lookup().policy("example.com")).get().extracting(ActivePolicy::id)
        .isEqualTo("one");
    clock.advance(Duration.ofMinutes(4));
    assertThat(lookup().policy("example.com")).isPresent();
    assertThat(fetches).as("no fetch within 5 minutes of the failure").hasSize(2);

    clock.advance(Duration.ofMinutes(1));
    lookup().policy("example.com");
    assertThat(fetches).hasSize(3);
    assertThat(new PolicyCache(tmp).readFailure("example.com")).get()
        .extracting(FetchFailure::failures).isEqualTo(2);

    clock.advance(Duration.ofMinutes(9));
    lookup().policy("example.com");
    assertThat(fetches).as("the second failure holds back for 10 minutes").hasSize(3);
    clock.advance(Duration.ofMinutes(1));
    fetchFails = false;
    lookup().policy("example.com");
    assertThat(fetches).hasSize(4);
    assertThat(new PolicyCache(tmp).readFailure("example.com")).as("cleared").isEmpty();
  }

  @Test
  void policy_failedWithNothingCached_noFetchStorm() {
    fetchFails = true;
    for (int i = 0; i < 10; i++) {
      assertThat(lookup().policy("example.com")).isEmpty();
      clock.advance(Duration.ofSeconds(20));
    }

    assertThat(fetches).hasSize(1);
    assertThat(warnings).hasSize(1);
  }

  @Test
  void policy_newIdAfterFailures_triedFiveMinutesAfterTheLastFailure() {
    fetchFails = true;
    lookup().policy("example.com");
    clock.advance(Duration.ofMinutes(5));
    lookup().policy("example.com");
    clock.advance(Duration.ofMinutes(5));
    dns.txt = List.of("v=STSv1; id=two;");
    fetchFails = false;

    assertThat(lookup().policy("example.com")).get().extracting(ActivePolicy::id)
        .isEqualTo("two");
    assertThat(fetches).hasSize(3);
  }

  @Test
  void inspect_fetchesWhateverTheCacheSaysAndWritesNothing() throws Exception {
    fetchFails = true;
    lookup().policy("example.com");
    fetchFails = false;
    served = TESTING;

    Inspection i = lookup().inspect("example.com");

    assertThat(i.txt()).containsExactly("v=STSv1; id=one;");
    assertThat(i.announcedId()).contains("one");
    assertThat(i.fetched()).get().extracting(p -> p.policy().mode())
        .isEqualTo(MtaStsPolicy.Mode.TESTING);
    assertThat(i.cached()).isEmpty();
    assertThat(i.failure()).get().extracting(FetchFailure::failures).isEqualTo(1);
    assertThat(i.inForce()).isEqualTo(i.fetched());
    assertThat(tmp.resolve("example.com")).doesNotExist();
    assertThat(fetches).hasSize(2);
  }

  @Test
  void inspect_fetchFails_cachedPolicyInForce() {
    lookup().policy("example.com");
    fetchFails = true;

    Inspection i = lookup().inspect("example.com");

    assertThat(i.fetchError()).contains("HTTP status 404");
    assertThat(i.inForce()).isEqualTo(i.cached()).isPresent();
  }

  @Test
  void policy_invalidPolicyServed_treatedAsFetchFailure() {
    served = "version: STSv1\nmode: enforce\nmax_age: 60\n";

    assertThat(lookup().policy("example.com")).isEmpty();
    assertThat(warnings).singleElement().asString().contains("no mx field");
  }

  private static final class FakeDns implements Resolver {
    List<String> txt = List.of();
    boolean failure;

    @Override
    public DnsAnswer<MxRecord> mx(String domain) {
      return new DnsAnswer<>(List.of(), false);
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols) {
      return new DnsAnswer<>(List.of(), false);
    }

    @Override
    public DnsAnswer<String> txt(String name) throws DnsLookupException {
      assertThat(name).isEqualTo("_mta-sts.example.com");
      if (failure) {
        throw new DnsLookupException("SERVFAIL", false);
      }
      return new DnsAnswer<>(txt, false);
    }
  }

  private static final class SettableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
