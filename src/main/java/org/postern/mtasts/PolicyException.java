package org.postern.mtasts;

/**
 * No usable MTA-STS policy: a policy file, TXT record or HTTPS response that breaks RFC 8461, or
 * a fetch that failed. The message says what and where; the caller adds the domain.
 */
final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  PolicyException(String message) {
    super(message);
  }

  PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
