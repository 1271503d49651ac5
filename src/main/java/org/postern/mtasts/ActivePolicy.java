package org.postern.mtasts;

import java.time.Instant;

/**
 * A domain's MTA-STS policy as fetched: the id of the TXT record that announced it, when it was
 * fetched, the policy and its text as served (kept for the cache file).
 */
public record ActivePolicy(
    String domain, String id, Instant fetched, MtaStsPolicy policy, String text) {

  /** RFC 8461 section 3.2: a policy may be used for {@code max_age} after it was fetched. */
  public boolean expired(Instant now) {
    return !now.isBefore(fetched.plus(policy.maxAge()));
  }

  /** {@code enforce for example.com (id 20240101T00)}, for log lines. */
  public String describe() {
    return policy.mode() + " for " + domain + " (id " + id + ")";
  }
}
