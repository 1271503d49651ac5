package org.postern.mtasts;

/**
 * No usable MTA-STS policy: a policy file, TXT record or HTTPS response that breaks RFC 8461, or
 * a fetch that failed. The message says what and where; the caller adds the domain. {@link
 * #invalidPolicy} tells a policy that was served but is not valid from a policy that could not
 * be fetched, as TLS reporting tells them apart ({@link PolicyFailure}).
 */
final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean invalidPolicy;

  PolicyException(String message) {
    this(message, null, false);
  }

  PolicyException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private PolicyException(String message, Throwable cause, boolean invalidPolicy) {
    super(message, cause);
    this.invalidPolicy = invalidPolicy;
  }

  /** {@code e}, thrown by the policy parser: a policy was served, and it is not valid. */
  static PolicyException invalidPolicy(PolicyException e) {
    return new PolicyException(e.getMessage(), e, true);
  }

  boolean invalidPolicy() {
    return invalidPolicy;
  }
}
