/**
 * DNS allow- and deny-lists (RFC 5782), the one home of what postscreen(8) and smtpd(8) ask
 * them: the query name for a client address (reversed IPv4 octets, reversed IPv6 nibbles) or for
 * a domain (RHSBL), the {@code site=d.d.d.d} reply filter of Postfix's {@code ip_match} syntax
 * ({@code 127.0.0.2}, {@code 127.0.0.[2..11]}, {@code 127.0.[0;1].[2;4..6]}), the {@code *weight}
 * of a postscreen site, and the TXT text a reply template names {@code $rbl_reason}.
 *
 * <p>{@link org.postern.dnsbl.DnsLists} asks through {@link org.postern.dns.Resolver}, so the
 * name servers are those of {@code /etc/resolv.conf} or {@code postern_dns_resolver_address}.
 *
 * <p>Failure: a malformed site or filter is an {@link java.lang.IllegalArgumentException} with
 * Postfix's wording, a configuration error at start-up. A list that does not answer (timeout,
 * server failure) is {@link org.postern.dnsbl.DnsLists.Answer.Unavailable}: never "listed";
 * smtpd logs a warning and carries on, as Postfix does, because mail cannot wait for a list
 * server.
 */
package org.postern.dnsbl;
