package org.postern.qmgr;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postern.deliver.AddressResolver;
import org.postern.deliver.Resolution;
import org.postern.deliver.ResolveException;

/**
 * trivial-rewrite for tests: addresses in a local domain go to {@code local}, others to {@code
 * smtp} (or the transport a test routes their domain to), with the domain as next hop.
 */
final class FakeResolver implements AddressResolver {
  private final Set<String> localDomains = new HashSet<>();
  private final Map<String, String> transports = new HashMap<>();
  private final Set<String> failing = new HashSet<>();

  FakeResolver local(String domain) {
    localDomains.add(domain);
    return this;
  }

  FakeResolver route(String domain, String transport) {
    transports.put(domain, transport);
    return this;
  }

  FakeResolver failFor(String address) {
    failing.add(address);
    return this;
  }

  @Override
  public Resolution resolve(String address) throws ResolveException {
    if (failing.contains(address)) {
      throw new ResolveException("virtual_alias_maps lookup failed for " + address);
    }
    String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    if (localDomains.contains(domain)) {
      return new Resolution(Resolution.AddressClass.LOCAL, "local", domain, address);
    }
    return new Resolution(Resolution.AddressClass.DEFAULT,
        transports.getOrDefault(domain, "smtp"), domain, address);
  }
}
