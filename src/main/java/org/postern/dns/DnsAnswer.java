package org.postern.dns;

import java.util.List;

/**
 * The records of one answer and whether the resolver vouched for them with the DNSSEC AD bit.
 * For an address answer that needed two queries (A and AAAA), {@code authentic} holds only when
 * both were authentic.
 */
public record DnsAnswer<T>(List<T> records, boolean authentic) {
  public DnsAnswer {
    records = List.copyOf(records);
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }
}
