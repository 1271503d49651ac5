package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
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
  void policy_sameIdWithinMaxAge_cachedNotFetchedAgainEvenAfterRestart() {
    assertThat(lookup().policy("example.com")).get()
        .extracting(p -> p.policy().mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    clock.advance(Duration.ofMinutes(59));
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
    lookup().policy("example.com");
    dns.txt = List.of("v=STSv1; id=two;");
    fetchFails = true;
    assertThat(lookup().policy("example.com")).get().extracting(ActivePolicy::id).isEqualTo("one");
    assertThat(warnings.getLast()).endsWith("; keeping the cached policy");
  }

  @Test
  void policy_invalidPolicyServed_treatedAsFetchFailure() {
    served = "version: STSv1\nmode: enforce\nmax_age: 60\n";

    assertThat(lookup().policy("example.com")).isEmpty();
    assertThat(warnings).singleElement().asString().contains("no mx field");
  }

  @Test
  void lookup_fetchFailsNothingCached_fetchError() {
    fetchFails = true;

    MtaStsLookup.Lookup l = lookup().lookup("example.com");

    assertThat(l.policy()).isEmpty();
    assertThat(l.failure()).contains(
        new PolicyFailure(PolicyFailure.Kind.FETCH_ERROR, "HTTP status 404"));
  }

  @Test
  void lookup_fetchFailsWithCachedPolicy_cachedPolicyNoFailure() {
    lookup().policy("example.com");
    dns.txt = List.of("v=STSv1; id=two;");
    fetchFails = true;

    MtaStsLookup.Lookup l = lookup().lookup("example.com");

    assertThat(l.policy()).isPresent();
    assertThat(l.failure()).isEmpty();
  }

  @Test
  void lookup_invalidPolicy_policyInvalid() {
    served = "version: STSv1\nmode: enforce\nmax_age: 60\n";

    assertThat(lookup().lookup("example.com").failure()).get()
        .extracting(PolicyFailure::kind).isEqualTo(PolicyFailure.Kind.POLICY_INVALID);
  }

  @Test
  void ofFetch_certificateProblemAmongCauses_webpkiInvalid() {
    PolicyException e = new PolicyException("https://mta-sts.example.com/: PKIX failed",
        new javax.net.ssl.SSLHandshakeException("PKIX failed",
            new java.security.cert.CertificateExpiredException("expired")));

    assertThat(PolicyFailure.ofFetch(e).kind()).isEqualTo(PolicyFailure.Kind.WEBPKI_INVALID);
    assertThat(PolicyFailure.ofFetch(new PolicyException("connection refused")).kind())
        .isEqualTo(PolicyFailure.Kind.FETCH_ERROR);
  }

  @Test
  void lookup_noRecord_noPolicyNoFailure() {
    dns.txt = List.of();

    assertThat(lookup().lookup("example.com")).isEqualTo(MtaStsLookup.Lookup.NONE);
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
