package org.postern.cleanup;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Drops duplicate recipients, remembering at most {@code duplicate_filter_limit} of them (0: no
 * limit); past the limit new recipients are kept without being remembered, as Postfix's been_here
 * table does. Two recipients are the same when address, original recipient, DSN ORCPT and NOTIFY
 * all match (case-insensitively); with {@code enable_original_recipient = no} only the address
 * counts.
 */
final class DuplicateFilter {
  private final int limit;
  private final Set<String> seen = new HashSet<>();

  DuplicateFilter(int limit) {
    this.limit = limit;
  }

  /** True the first time {@code key} is offered (and whenever the table is full). */
  boolean firstTime(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (seen.contains(k)) {
      return false;
    }
    if (limit <= 0 || seen.size() < limit) {
      seen.add(k);
    }
    return true;
  }
}
