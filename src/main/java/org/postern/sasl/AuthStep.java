package org.postern.sasl;

/**
 * What the auth server answered to one AUTH or CONT request: a challenge for the client, success
 * with the user name, or a refusal with its reason ({@code FAIL} with {@code temp} is temporary).
 */
public sealed interface AuthStep {
  /** {@code CONT}: the base64 challenge the client answers (SMTP {@code 334}). */
  record Challenge(String base64) implements AuthStep {}

  /** {@code OK} with {@code user=}: the client is authenticated as {@code username}. */
  record Success(String username) implements AuthStep {}

  /** {@code FAIL}, or a request refused before it reached the server; {@code username} may be empty. */
  record Failure(String reason, String username) implements AuthStep {}

  /** {@code FAIL} with {@code temp}: the server cannot decide now (SMTP {@code 454}). */
  record TemporaryFailure(String reason) implements AuthStep {}
}
