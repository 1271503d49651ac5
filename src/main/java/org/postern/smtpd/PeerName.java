package org.postern.smtpd;

/**
 * What smtpd knows of the client's host name (Postfix's {@code smtpd_peer}): the verified name,
 * {@code unknown} unless the address maps to a name that maps back to the address (forward-confirmed
 * reverse DNS), and the reverse name, the address-to-name answer as is. Each has its status, which
 * {@code reject_unknown_client_hostname} and {@code reject_unknown_reverse_client_hostname} turn into
 * replies.
 */
record PeerName(String name, String reverseName, Status nameStatus, Status reverseNameStatus) {
  /** The name Postfix uses for a client whose name is not known. */
  static final String UNKNOWN = "unknown";

  /** How a lookup ended, in Postfix's {@code SMTPD_PEER_CODE_*} order. */
  enum Status {
    /** The name is known (and, for the verified name, lists the address). */
    OK,
    /** A lookup failed with a recoverable error. */
    TEMP,
    /** A lookup failed with an unrecoverable error. */
    PERM,
    /** The reverse name does not resolve to the client address. */
    FORGED
  }

  /** A name known in both directions. */
  static PeerName verified(String name) {
    return new PeerName(name, name, Status.OK, Status.OK);
  }

  /** No name at all: the address-to-name lookup failed with {@code status}, or was not made. */
  static PeerName unknown(Status status) {
    return new PeerName(UNKNOWN, UNKNOWN, status, status);
  }

  /** The reverse name stays; the verified name becomes {@code unknown} with {@code status}. */
  PeerName unverified(Status status) {
    return new PeerName(UNKNOWN, reverseName, status, reverseNameStatus);
  }
}
