package org.postern.dns;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698 section 2.1): certificate usage, selector, matching type and the
 * certificate association data. Whether the record is usable for SMTP is decided by the TLS code,
 * not here: the DNS layer hands over what the zone published.
 */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
  public TlsaRecord {
    data = data.clone();
  }

  /** A record from presentation form: {@code 3 1 1 <hex>}. */
  public static TlsaRecord of(int usage, int selector, int matchingType, String hex) {
    return new TlsaRecord(usage, selector, matchingType, HexFormat.of().parseHex(hex));
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsaRecord t && usage == t.usage && selector == t.selector
        && matchingType == t.matchingType && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + usage * 7 + selector * 3 + matchingType;
  }

  @Override
  public String toString() {
    return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
  }
}
