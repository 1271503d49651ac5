package org.postern.dns;

/**
 * The DNS questions the SMTP client and the SMTP server's access restrictions ask.
 * Implementations classify failures once: {@link DnsLookupException#permanent()} for a name that
 * does not exist, transient otherwise.
 */
public interface Resolver {

  /** The MX records of {@code domain}; an empty answer when the domain has none. */
  DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException;

  /** The addresses of {@code host} in the families {@code protocols} allows, IPv6 first if both. */
  DnsAnswer<java.net.InetAddress> addresses(String host, InetProtocols protocols)
      throws DnsLookupException;

  /**
   * The TLSA records at {@code name} ({@code _25._tcp.mx.example.com}); an empty answer when the
   * name or the records do not exist. A resolver without TLSA support fails transiently, so that
   * DANE defers rather than silently downgrades.
   */
  default DnsAnswer<TlsaRecord> tlsa(String name) throws DnsLookupException {
    throw new DnsLookupException("Name service error for name=" + name
        + " type=TLSA: TLSA lookups not supported", false);
  }

  /**
   * The TXT records at {@code name}, each record's character-strings joined without a separator
   * (as RFC 7208 and RFC 8461 read them); an empty answer when the name or the records do not
   * exist. A resolver without TXT support fails transiently.
   */
  default DnsAnswer<String> txt(String name) throws DnsLookupException {
    throw new DnsLookupException("Name service error for name=" + name
        + " type=TXT: TXT lookups not supported", false);
  }

  /**
   * The host names the PTR records of {@code address} name ({@code 1.2.0.192.in-addr.arpa}),
   * without the trailing dot; an empty answer when the name exists without PTR records. A name that
   * does not exist fails permanently. A resolver without PTR support fails transiently.
   */
  default DnsAnswer<String> ptr(java.net.InetAddress address) throws DnsLookupException {
    throw new DnsLookupException("Name service error for address=" + address.getHostAddress()
        + " type=PTR: PTR lookups not supported", false);
  }

  /**
   * The name server host names of {@code domain}'s NS records, without the trailing dot; an
   * empty answer when the domain exists without NS records. A domain that does not exist fails
   * permanently. A resolver without NS support fails transiently.
   */
  default DnsAnswer<String> ns(String domain) throws DnsLookupException {
    throw new DnsLookupException("Name service error for name=" + domain
        + " type=NS: NS lookups not supported", false);
  }

  /**
   * The IPv4 addresses at {@code name}, a DNS list query ({@code 2.0.0.127.zen.example}), with
   * the answer's TTL; empty (not listed) when the name or its A records do not exist. A resolver
   * without DNS list support fails transiently, so that a list is never read as "not listed".
   */
  default ListedAddresses listed(String name) throws DnsLookupException {
    throw new DnsLookupException("Name service error for name=" + name
        + " type=A: DNS list lookups not supported", false);
  }
}
