package org.postern.tlsrpt;

import java.util.List;

/**
 * The policy a session was held to (RFC 8460 section 4.3.1): its type, the domain it belongs to,
 * its text as a list of strings (the lines of an MTA-STS policy, the TLSA records in presentation
 * form) and the MX hosts it names (the MTA-STS {@code mx} patterns, or the DANE MX host).
 */
public record AppliedPolicy(
    PolicyType type, String domain, List<String> strings, List<String> mxHosts) {
  public AppliedPolicy {
    strings = List.copyOf(strings);
    mxHosts = List.copyOf(mxHosts);
  }
}
