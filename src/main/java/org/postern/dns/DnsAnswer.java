package org.postern.dns;

import java.util.List;
import java.util.Optional;

/**
 * The records of one answer and whether the resolver vouched for them with the DNSSEC AD bit.
 * For an address answer that needed two queries (A and AAAA), {@code authentic} holds only when
 * both were authentic. {@code canonicalName} is, for an address answer, the name the records
 * belong to when the name asked about is an alias (a CNAME chain was followed), as Postfix's
 * resolver gives it in {@code rname}; empty otherwise.
 */
public record DnsAnswer<T>(List<T> records, boolean authentic, Optional<String> canonicalName) {
  public DnsAnswer {
    records = List.copyOf(records);
  }

  /** An answer whose name is not an alias. */
  public DnsAnswer(List<T> records, boolean authentic) {
    this(records, authentic, Optional.empty());
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }
}
