package org.postern.verify;

import java.util.Optional;
import org.postern.deliver.VerifyClient.AddressStatus;

/**
 * One {@code address_verify_map} value, in Postfix's format {@code status:probed:updated:text}:
 * the address status number, when the outstanding probe was sent (0: none), when a probe result
 * arrived (0: never), and the delivery agent's text. Times are seconds since the epoch, as
 * Postfix writes them.
 *
 * <p>Failure: a malformed value parses to nothing; the caller treats the address as unknown.
 */
record CacheEntry(AddressStatus status, long probed, long updated, String text) {

  /** The value as stored. */
  String format() {
    return status.code() + ":" + probed + ":" + updated + ":" + text;
  }

  /**
   * Parses a stored value; empty for a malformed one (Postfix warns "bad address verify table
   * entry" and treats the address as unknown), including all-zero time stamps.
   */
  static Optional<CacheEntry> parse(String value) {
    String[] f = value.split(":", 4);
    if (f.length != 4 || !digits(f[0]) || !digits(f[1]) || !digits(f[2])) {
      return Optional.empty();
    }
    try {
      AddressStatus s = AddressStatus.ofCode(Integer.parseInt(f[0]));
      long probed = Long.parseLong(f[1]);
      long updated = Long.parseLong(f[2]);
      if (s == null || (probed == 0 && updated == 0)) {
        return Optional.empty();
      }
      return Optional.of(new CacheEntry(s, probed, updated, f[3]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean digits(String s) {
    return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
  }
}
