package org.postern.dnsbl;

import java.util.Optional;

/**
 * One DNS list as a restriction or {@code postscreen_dnsbl_sites} names it: the list's domain,
 * an optional reply filter ({@code =127.0.0.[2..11]}) and, for postscreen, a weight ({@code *3};
 * a negative weight makes an allow-list). {@link #spec} is the text as written, which smtpd's
 * {@code rbl_reply_maps} looks up first.
 *
 * <p>Failure: {@link #parse} and {@link #parseWeighted} throw IllegalArgumentException with
 * Postfix's wording for a bad weight, filter or domain name.
 */
public record DnsblSite(String spec, String domain, Optional<ReplyFilter> filter, int weight) {

  /** A smtpd restriction argument: {@code domain[=filter]}, weight 1. */
  public static DnsblSite parse(String spec) {
    return of(spec, spec, 1);
  }

  /** A postscreen site: {@code domain[=filter][*weight]}. */
  public static DnsblSite parseWeighted(String spec) {
    int star = spec.indexOf('*');
    if (star < 0) {
      return of(spec, spec, 1);
    }
    String weightText = spec.substring(star + 1);
    if (!weightText.matches("[-+]?\\d{1,9}")) {
      throw new IllegalArgumentException(
          "bad DNSBL weight factor \"" + weightText + "\" in \"" + spec + "\"");
    }
    return of(spec, spec.substring(0, star), Integer.parseInt(weightText));
  }

  private static DnsblSite of(String spec, String site, int weight) {
    int eq = site.indexOf('=');
    String domain = eq < 0 ? site : site.substring(0, eq);
    Optional<ReplyFilter> filter =
        eq < 0 ? Optional.empty() : Optional.of(ReplyFilter.parse(site.substring(eq + 1)));
    if (!DnsLists.validHostname(domain)) {
      throw new IllegalArgumentException("bad DNSBL domain name \"" + domain + "\" in \"" + spec + "\"");
    }
    return new DnsblSite(spec, domain, filter, weight);
  }

  /** The site without its weight: {@code domain[=filter]}, as smtpd's reply maps see it. */
  public String domainAndFilter() {
    return filter.map(f -> domain + "=" + f.text()).orElse(domain);
  }
}
