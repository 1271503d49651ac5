package org.postern.differential;

import java.util.List;
import java.util.Set;

/**
 * The DNS of a differential world that routes by MX ({@link Scenario#viaMx}): zone file lines for
 * the DNSSEC test world ({@code dane.test.} signed, {@code insecure.dane.test.} delegated without
 * DS), the names whose signatures have expired (bogus), and the {@link Receiver}s that are MX
 * hosts. In a record, {@code {addr:LABEL}} stands for that receiver's address and {@code
 * {tlsa:LABEL}} for a DANE-EE {@code 3 1 1} record of the certificate it presents.
 */
record DnsRecords(List<String> records, Set<String> expired, List<Receiver> hosts) {
  DnsRecords {
    records = List.copyOf(records);
    expired = Set.copyOf(expired);
    hosts = List.copyOf(hosts);
  }
}
