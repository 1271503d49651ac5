package org.postern.dns;

/**
 * A DNS lookup that gave no usable answer. {@code permanent} for a name that does not exist
 * (NXDOMAIN): retrying will not help. Otherwise transient (SERVFAIL, REFUSED, timeout, no
 * reachable server). The message names the name and type asked for.
 */
public final class DnsLookupException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  public DnsLookupException(String message, boolean permanent) {
    super(message);
    this.permanent = permanent;
  }

  public boolean permanent() {
    return permanent;
  }
}
