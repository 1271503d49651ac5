package org.postern.mtasts;

import java.time.Duration;
import java.time.Instant;

/**
 * The negative cache entry of a domain whose policy fetch failed: the TXT id it was fetched
 * under, how many fetches of that id failed in a row, when the last one did and why. It holds
 * the next attempt back (RFC 8461 section 3.3 suggests at least five minutes per id, so that a
 * broken policy host is not swamped by every delivery): five minutes after the first failure,
 * doubling with each further failure of the same id up to an hour. A new id may be fetched five
 * minutes after the last failure, whatever the count.
 *
 * <p>Failure: none here; {@link PolicyCache} reads an unreadable or malformed entry as no entry,
 * which lets the next delivery fetch at once.
 */
public record FetchFailure(String domain, String id, int failures, Instant last, String reason) {
  static final Duration FIRST_WAIT = Duration.ofMinutes(5);
  static final Duration LONGEST_WAIT = Duration.ofHours(1);

  /** The wait after {@link #failures} failures of one id. */
  public Duration backoff() {
    Duration wait = FIRST_WAIT.multipliedBy(1L << Math.min(failures - 1, 10));
    return wait.compareTo(LONGEST_WAIT) < 0 ? wait : LONGEST_WAIT;
  }

  /** When the policy announced with {@code announcedId} may be fetched again. */
  public Instant retryAt(String announcedId) {
    return last.plus(id.equals(announcedId) ? backoff() : FIRST_WAIT);
  }

  /** The entry after this one when a fetch of {@code failedId} has failed at {@code now}. */
  FetchFailure then(String failedId, Instant now, String why) {
    return new FetchFailure(domain, failedId, id.equals(failedId) ? failures + 1 : 1, now, why);
  }

  /** The entry after a first failure, with no earlier one. */
  static FetchFailure first(String domain, String id, Instant now, String why) {
    return new FetchFailure(domain, id, 1, now, why);
  }
}
