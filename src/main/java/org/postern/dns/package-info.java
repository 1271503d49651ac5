/**
 * DNS lookups for the SMTP and LMTP clients, Postfix's {@code dns_lookup(3)}: MX records (RFC 5321
 * section 5.1, the null MX of RFC 7505), A/AAAA addresses, TLSA records (RFC 6698, for DANE) and TXT records (for MTA-STS, RFC 8461),
 * each answer carrying the DNSSEC
 * "authentic data" (AD) bit that a validating resolver set, as Postfix trusts it for DANE.
 *
 * <p>{@link org.postern.dns.Resolver} is the interface the clients use; {@link
 * org.postern.dns.DnsjavaResolver} asks the name servers of {@code /etc/resolv.conf} (or the
 * address in {@code postern_dns_resolver_address}) with dnsjava, setting the AD and DO bits so a
 * validating resolver reports what it validated.
 *
 * <p>Failure: a name that does not exist (NXDOMAIN) is a permanent {@link
 * org.postern.dns.DnsLookupException}; server failures, refusals and timeouts are transient. A name
 * that exists without records of the asked type is an empty answer, not an error; for TLSA and TXT, a
 * name that does not exist is an empty answer too.
 */
package org.postern.dns;
