package org.postern.smtp;

/**
 * A {@code username:password} entry of {@code smtp_sasl_password_maps}.
 *
 * <p>The password never appears in {@link #toString()}, so that no log line or exception can carry
 * it.
 */
record SaslCredentials(String username, String password) {
  /**
   * Splits a table value at the first {@code delimiter} ({@code
   * smtp_sasl_password_result_delimiter}); the password may contain the delimiter, and a value
   * without one is a user name with an empty password, as in Postfix.
   */
  static SaslCredentials parse(String value, String delimiter) {
    int at = delimiter.isEmpty() ? -1 : value.indexOf(delimiter.charAt(0));
    return at < 0
        ? new SaslCredentials(value, "")
        : new SaslCredentials(value.substring(0, at), value.substring(at + 1));
  }

  @Override
  public String toString() {
    return "SaslCredentials[username=" + username + "]";
  }
}
