package org.postern.mtasts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code postern mta-sts-check} finds for a domain at {@code now}: the {@code _mta-sts} TXT
 * records (or why they could not be looked up) and the id they announce, the policy fetched just
 * now (or why the fetch failed), and the cache as the SMTP client left it: the cached policy,
 * expired or not, and the negative cache entry.
 *
 * <p>Failure: lookup and fetch errors are values here ({@code txtError}, {@code fetchError}),
 * never exceptions, so that the check can show all it found.
 */
public record Inspection(
    String domain,
    Instant now,
    List<String> txt,
    Optional<String> txtError,
    Optional<String> announcedId,
    Optional<ActivePolicy> fetched,
    Optional<String> fetchError,
    Optional<ActivePolicy> cached,
    Optional<FetchFailure> failure) {

  public Inspection {
    txt = List.copyOf(txt);
  }

  /**
   * The policy a delivery would apply: the one fetched just now, else the cached one while it
   * has not expired (RFC 8461 section 5.1: a policy that cannot be refreshed stays in force).
   */
  public Optional<ActivePolicy> inForce() {
    return fetched.or(() -> cached.filter(p -> !p.expired(now)));
  }
}
