package org.postern.mtasts;

import java.security.cert.CertificateException;

/**
 * Why a domain that announces an MTA-STS policy has none in force: the kinds RFC 8460 section
 * 4.3.2.3 reports, and the fetch's own words.
 *
 * <ul>
 *   <li>{@link Kind#WEBPKI_INVALID}: the policy host's certificate failed the PKIX check (not
 *       trusted, expired, or not valid for {@code mta-sts.<domain>});
 *   <li>{@link Kind#POLICY_INVALID}: a policy was served but breaks RFC 8461 section 3.2;
 *   <li>{@link Kind#FETCH_ERROR}: anything else on the way (DNS, connection, TLS, HTTP status,
 *       media type, size).
 * </ul>
 */
public record PolicyFailure(Kind kind, String text) {
  /** The RFC 8460 result types of a policy that could not be had. */
  public enum Kind {
    FETCH_ERROR,
    POLICY_INVALID,
    WEBPKI_INVALID
  }

  /**
   * A fetch that failed: a policy served but not valid is POLICY_INVALID; else a certificate
   * problem anywhere in the causes makes it WEBPKI_INVALID.
   */
  static PolicyFailure ofFetch(PolicyException e) {
    if (e.invalidPolicy()) {
      return new PolicyFailure(Kind.POLICY_INVALID, e.getMessage());
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        return new PolicyFailure(Kind.WEBPKI_INVALID, e.getMessage());
      }
    }
    return new PolicyFailure(Kind.FETCH_ERROR, e.getMessage());
  }
}
