/**
 * MTA-STS, SMTP MTA Strict Transport Security (RFC 8461), built into the SMTP client: a recipient
 * domain that publishes a policy tells senders which MX hosts may receive its mail and that they
 * must present a certificate valid for their MX host name. Postfix has no MTA-STS of its own and
 * needs a policy server (postfix-mta-sts-resolver) answering {@code smtp_tls_policy_maps}; Postern
 * does the same work in-process, off by default ({@code postern_mta_sts_enable = no}).
 *
 * <p>Discovery and fetch: the {@code _mta-sts.<domain>} TXT record ({@code v=STSv1; id=...;},
 * section 3.1) and the address of {@code mta-sts.<domain>} come from Postern's resolver
 * ({@code postern_dns_resolver_address} or {@code /etc/resolv.conf}, with dnsjava), never the
 * JDK's. The policy is fetched with an HTTP/1.1 {@code GET} of {@code /.well-known/mta-sts.txt}
 * over TLS on port 443 (section 3.3): SNI and a PKIX host name check for {@code
 * mta-sts.<domain>}, trusting the JDK's anchors plus {@code smtp_tls_CAfile} and {@code
 * smtp_tls_CApath}; no redirects, only {@code 200} with {@code text/plain}, at most 64 KiB,
 * within {@code postern_mta_sts_fetch_timeout}. The response is parsed as hostile input ({@link
 * org.postern.mtasts.HttpResponse}).
 *
 * <p>Policy (section 3.2): {@code version: STSv1}, {@code mode} ({@code enforce}, {@code
 * testing}, {@code none}), {@code max_age} (held to at most 31557600 seconds) and one {@code mx}
 * line per allowed MX pattern; a pattern {@code *.example.com} matches exactly one label more
 * (section 4.1). Unknown fields are ignored.
 *
 * <p>Cache (section 5.1): one file per domain in {@code postern_mta_sts_cache_directory} (default
 * {@code $data_directory/mta-sts}), written atomically, so policies survive restarts. A cached
 * policy is used while younger than its {@code max_age} and its id equals the TXT record's; a
 * changed id fetches anew, and so does a policy half way through its {@code max_age} (at most a
 * day after its fetch: the proactive refresh, {@link org.postern.mtasts.ActivePolicy#refreshAt});
 * a missing record, a failed TXT lookup or a failed fetch keeps the unexpired cached policy. A
 * failed fetch goes to the negative cache ({@link org.postern.mtasts.FetchFailure}, files in
 * {@code .failed/}), which holds the domain's next fetch back five minutes, doubling up to an
 * hour. {@link org.postern.mtasts.MtaStsLookup#inspect} serves {@code postern mta-sts-check}.
 *
 * <p>Use by the SMTP client (org.postern.smtp's TlsPolicyLookup): consulted only for next hops
 * looked up by MX (not {@code [host]}), only when {@code smtp_tls_policy_maps} has no entry for
 * the next hop. {@code enforce} makes the level {@code secure} with {@code match=hostname}, and an
 * MX host that matches no {@code mx} pattern is skipped with a 4.7.5 soft error, so that the
 * certificate must be valid (trusted, name matching) for an MX host the policy allows: RFC 8461
 * sections 4.1 and 4.2, stricter than postfix-mta-sts-resolver's {@code secure
 * match=<patterns>}, which lets any certificate named in the policy serve any MX host. {@code
 * testing} keeps the normal level and logs what {@code enforce} would have refused; {@code none}
 * changes nothing. With {@code smtp_tls_security_level = dane} or {@code dane-only}, an MX host
 * with usable TLSA records is held to DANE alone (section 2); the others get the MTA-STS check.
 *
 * <p>A message with {@code TLS-Required: no} (RFC 8689) is sent at {@code may} or below without
 * consulting MTA-STS. TLS reporting (RFC 8460) is org.postern.tlsrpt's; its HTTPS reports go out
 * through {@link org.postern.mtasts.HttpsPost}, the policy fetcher's socket with a {@code POST}.
 *
 * <p>Failure: see {@link org.postern.mtasts.MtaStsLookup}; no failure of discovery or fetch
 * defers mail by itself, only an enforced policy no MX host can meet does.
 */
package org.postern.mtasts;
