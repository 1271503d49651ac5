package org.postern.mtasts;

import java.time.Duration;
import java.time.Instant;

/**
 * A domain's MTA-STS policy as fetched: the id of the TXT record that announced it, when it was
 * fetched, the policy and its text as served (kept for the cache file).
 */
public record ActivePolicy(
    String domain, String id, Instant fetched, MtaStsPolicy policy, String text) {
  /** The longest a policy in use waits for its proactive refresh. */
  static final Duration LONGEST_REFRESH = Duration.ofDays(1);

  /** RFC 8461 section 3.2: a policy may be used for {@code max_age} after it was fetched. */
  public boolean expired(Instant now) {
    return !now.isBefore(expires());
  }

  /** The end of the policy's life: {@code max_age} after it was fetched. */
  public Instant expires() {
    return fetched.plus(policy.maxAge());
  }

  /**
   * When the policy is fetched again although its id has not changed (RFC 8461 section 5.1,
   * proactive refresh): half way through its {@code max_age}, at most a day after it was
   * fetched. Half the lifetime leaves the other half for a refresh that fails to be retried
   * with the cached policy still in force, so an attacker who blocks the policy host must do so
   * for that long to make a domain in regular use lose its policy; a day bounds how long a
   * policy changed without a new id (an operator's mistake) stays unseen.
   */
  public Instant refreshAt() {
    Duration half = policy.maxAge().dividedBy(2);
    return fetched.plus(half.compareTo(LONGEST_REFRESH) < 0 ? half : LONGEST_REFRESH);
  }

  /** {@code enforce for example.com (id 20240101T00)}, for log lines. */
  public String describe() {
    return policy.mode() + " for " + domain + " (id " + id + ")";
  }
}
