package org.postern.smtp;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.dns.DnsLookupException;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;
import org.postern.mtasts.ActivePolicy;
import org.postern.mtasts.FetchFailure;
import org.postern.mtasts.Inspection;
import org.postern.mtasts.MtaStsLookup;
import org.postern.mtasts.MtaStsPolicy.Mode;
import org.postern.table.TableOpener;
import org.postern.tls.ServerCertificateCheck;

/**
 * {@code postern mta-sts-check DOMAIN}: shows a domain's MTA-STS state as the SMTP client sees
 * it, with the client's settings ({@code postern_mta_sts_*}, {@code smtp_tls_CAfile}, {@code
 * smtp_tls_CApath}, {@code postern_dns_resolver_address}): the {@code _mta-sts} TXT records,
 * the policy fetched now, the cache (age, expiry, id, next refresh) and the negative cache, then
 * each MX host of the domain against the policy in force: listed in its {@code mx} patterns, and
 * (with {@link TlsProbe}) offering STARTTLS with a trusted certificate valid for the MX host name
 * (RFC 8461 sections 4.1 and 4.2). The cache is only read.
 *
 * <p>Failure: {@link #run} returns false when no policy is in force (no valid TXT record, or a
 * failed fetch with nothing cached), or an MX host of a policy in mode {@code enforce} or {@code
 * testing} is not listed or fails the TLS check; each reason is printed.
 */
public final class MtaStsCheck {
  private final MainConfig config;
  private final SmtpSettings settings;
  private final TableOpener tables;
  private final Resolver resolver;
  private final PrintStream out;
  private final Clock clock;

  public MtaStsCheck(
      MainConfig config, TableOpener tables, Resolver resolver, PrintStream out, Clock clock) {
    this.config = config;
    this.settings = SmtpSettings.of(config, Protocol.SMTP);
    this.tables = tables;
    this.resolver = resolver;
    this.out = out;
    this.clock = clock;
  }

  /** Checks {@code domain}; true when its policy is in force and every MX host passes it. */
  public boolean run(String domain) throws Exception {
    ServerCertificateCheck trust = ServerCertificateCheck.create(
        settings.caFile(), settings.caPath(), settings.fingerprintDigest());
    Inspection i = MtaStsLookup.create(settings.mtaStsLookup(), trust, resolver, clock,
        w -> out.println("warning: " + w)).inspect(domain);
    txt(i);
    fetch(i);
    cache(i);
    Optional<ActivePolicy> policy = i.inForce();
    if (policy.isEmpty()) {
      out.println("policy in force: none");
      return false;
    }
    out.println("policy in force: " + policy.get().describe()
        + (i.fetched().isPresent() ? ", as fetched" : ", from the cache"));
    if (policy.get().policy().mode() == Mode.NONE) {
      out.println("mode none: MX hosts not checked");
      return true;
    }
    return mxHosts(domain, policy.get());
  }

  private void txt(Inspection i) {
    String name = "_mta-sts." + i.domain();
    i.txtError().ifPresent(e -> out.println(name + " TXT: lookup failed: " + e));
    if (i.txtError().isEmpty() && i.txt().isEmpty()) {
      out.println(name + " TXT: none");
    }
    i.txt().forEach(t -> out.println(name + " TXT: \"" + t + "\""));
    out.println("announced id: " + i.announcedId().orElse("none (no single valid v=STSv1 record)"));
  }

  private void fetch(Inspection i) {
    i.fetchError().ifPresent(e -> out.println("fetch: failed: " + e));
    i.fetched().ifPresent(p -> {
      out.println("fetch: https://mta-sts." + i.domain() + "/.well-known/mta-sts.txt");
      p.text().lines().forEach(l -> out.println("  " + l.strip()));
    });
  }

  private void cache(Inspection i) {
    Instant now = i.now();
    Optional<ActivePolicy> c = i.cached();
    if (c.isEmpty()) {
      out.println("cache: none");
    }
    c.ifPresent(p -> out.println("cache: " + p.describe() + ", fetched " + at(p.fetched())
        + " (age " + seconds(p.fetched(), now) + "), "
        + (p.expired(now) ? "expired " + at(p.expires())
            : "expires " + at(p.expires()) + ", next refresh "
                + (now.isBefore(p.refreshAt()) ? at(p.refreshAt()) : "due")
                + (i.announcedId().filter(id -> !id.equals(p.id())).isPresent()
                    ? " (the TXT record announces a new id)" : ""))));
    i.failure().ifPresent(f -> out.println("negative cache: " + f.failures()
        + " failed fetch(es) of id " + f.id() + ", last " + at(f.last()) + ", next attempt "
        + next(f, i) + ": " + f.reason()));
  }

  private static String next(FetchFailure f, Inspection i) {
    Instant retry = f.retryAt(i.announcedId().orElse(f.id()));
    return i.now().isBefore(retry) ? at(retry) : "allowed";
  }

  private boolean mxHosts(String domain, ActivePolicy policy) throws Exception {
    List<MxRecord> mx;
    try {
      mx = resolver.mx(domain).records().stream()
          .sorted(Comparator.comparingInt(MxRecord::preference)).toList();
    } catch (DnsLookupException e) {
      out.println("MX lookup for " + domain + " failed: " + e.getMessage());
      return false;
    }
    if (mx.isEmpty()) {
      mx = List.of(new MxRecord(0, domain)); // RFC 5321 section 5.1: the implicit MX
    }
    boolean all = true;
    for (MxRecord r : mx) {
      all &= mxHost(r, policy);
    }
    return all;
  }

  private boolean mxHost(MxRecord r, ActivePolicy policy) throws Exception {
    String host = r.exchange();
    if (r.isNullMx()) {
      out.println("mx " + r.preference() + " .: null MX, the domain takes no mail: FAILS");
      return false;
    }
    if (!policy.policy().allowsMx(host)) {
      out.println("mx " + r.preference() + " " + host + ": not listed in the policy: FAILS");
      return false;
    }
    out.println("mx " + r.preference() + " " + host + ": listed in the policy; TLS check:");
    boolean ok = new TlsProbe(config, tables, resolver, out)
        .run("[" + host + "]", "secure match=hostname");
    out.println("mx " + r.preference() + " " + host + ": "
        + (ok ? "passes" : "certificate or STARTTLS check: FAILS"));
    return ok;
  }

  private static String at(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String seconds(Instant from, Instant to) {
    return Duration.between(from, to).toSeconds() + "s";
  }
}
