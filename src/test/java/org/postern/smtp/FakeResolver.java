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

/** A resolver answering from maps; unknown names are NXDOMAIN, names in {@code failing} SERVFAIL. */
final class FakeResolver implements Resolver {
  final Map<String, List<MxRecord>> mx = new HashMap<>();
  final Map<String, List<InetAddress>> hosts = new HashMap<>();
  final java.util.Set<String> failing = new java.util.HashSet<>();
  boolean authentic;

  @Override
  public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
    check(domain);
    if (!mx.containsKey(domain) && !hosts.containsKey(domain)) {
      throw new DnsLookupException("Host or domain name not found: " + domain, true);
    }
    return new DnsAnswer<>(mx.getOrDefault(domain, List.of()), authentic);
  }

  @Override
  public DnsAnswer<InetAddress> addresses(String host, InetProtocols protocols)
      throws DnsLookupException {
    check(host);
    if (!hosts.containsKey(host)) {
      throw new DnsLookupException("Host or domain name not found: " + host, true);
    }
    return new DnsAnswer<>(hosts.get(host), authentic);
  }

  private void check(String name) throws DnsLookupException {
    if (failing.contains(name)) {
      throw new DnsLookupException("Host not found, try again: " + name, false);
    }
  }
}
