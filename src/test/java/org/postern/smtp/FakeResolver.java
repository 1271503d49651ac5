package org.postern.smtp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsLookupException;
import org.postern.dns.InetProtocols;
import org.postern.dns.MxRecord;
import org.postern.dns.Resolver;
import org.postern.dns.TlsaRecord;

/**
 * A resolver answering from maps; unknown names are NXDOMAIN (an empty answer for TLSA), names in
 * {@code failing} SERVFAIL. Answers carry the AD bit when {@code authentic}, except for names in
 * {@code insecure}. A host in {@code aliases} is a CNAME: its address answer names the target.
 */
final class FakeResolver implements Resolver {
  final Map<String, List<MxRecord>> mx = new HashMap<>();
  final Map<String, List<InetAddress>> hosts = new HashMap<>();
  final java.util.Set<String> failing = new java.util.HashSet<>();
  final Map<String, List<TlsaRecord>> tlsa = new HashMap<>();
  final java.util.Set<String> insecure = new java.util.HashSet<>();
  final Map<String, String> aliases = new HashMap<>();
  boolean authentic;

  @Override
  public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
    check(domain);
    if (!mx.containsKey(domain) && !hosts.containsKey(domain)) {
      throw new DnsLookupException("Host or domain name not found: " + domain, true);
    }
    return new DnsAnswer<>(mx.getOrDefault(domain, List.of()), authentic(domain));
  }

  @Override
  public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols)
      throws DnsLookupException {
    check(host);
    if (!hosts.containsKey(host)) {
      throw new DnsLookupException("Host or domain name not found: " + host, true);
    }
    return new DnsAnswer<>(hosts.get(host), authentic(host),
        java.util.Optional.ofNullable(aliases.get(host)));
  }

  @Override
  public DnsAnswer<TlsaRecord> tlsa(String name) throws DnsLookupException {
    check(name);
    return new DnsAnswer<>(tlsa.getOrDefault(name, List.of()), authentic(name));
  }

  private boolean authentic(String name) {
    return authentic && !insecure.contains(name);
  }

  private void check(String name) throws DnsLookupException {
    if (failing.contains(name)) {
      throw new DnsLookupException("Host not found, try again: " + name, false);
    }
  }
}
