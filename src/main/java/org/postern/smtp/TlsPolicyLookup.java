package org.postern.smtp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.TlsConfigException;
import org.postern.tls.TlsSecurityLevel;

/**
 * The TLS policy for a next hop: {@code smtp_tls_policy_maps} (the next hop as written, then for
 * an MX domain and fixed-string tables its parent domains with a leading dot), else {@code
 * smtp_tls_security_level} (empty means {@code none}).
 *
 * <p>Failure: a table that cannot answer, or an answer that is not a valid policy, throws {@link
 * TlsConfigException} naming the table; the delivery defers.
 */
final class TlsPolicyLookup implements AutoCloseable {
  private final String defaultLevel;
  private final List<LookupTable> maps;
  private final String parameter;

  TlsPolicyLookup(String defaultLevel, List<LookupTable> maps, String parameter) {
    this.defaultLevel = defaultLevel;
    this.maps = maps;
    this.parameter = parameter;
  }

  ClientTlsPolicy policy(Destination d) throws TlsConfigException {
    for (LookupTable t : maps) {
      String key = d.nexthop().strip().toLowerCase(Locale.ROOT);
      Optional<String> found = find(t, key);
      if (found.isEmpty() && d.mxLookup() && t.matchStyle() == LookupTable.MatchStyle.FIXED) {
        String host = d.host().toLowerCase(Locale.ROOT);
        for (int dot = host.indexOf('.'); dot > 0 && found.isEmpty();
            dot = host.indexOf('.', dot + 1)) {
          found = find(t, host.substring(dot));
        }
      }
      if (found.isPresent()) {
        return ClientTlsPolicy.parse(found.get(), t.spec() + ": " + key);
      }
    }
    if (defaultLevel.isBlank()) {
      return ClientTlsPolicy.of(TlsSecurityLevel.NONE);
    }
    return ClientTlsPolicy.parse(defaultLevel, parameter);
  }

  private static Optional<String> find(LookupTable t, String key) throws TlsConfigException {
    try {
      return t.find(key);
    } catch (TableException e) {
      throw new TlsConfigException(
          "TLS policy lookup for " + key + ": " + t.spec() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    maps.forEach(LookupTable::close);
  }
}
