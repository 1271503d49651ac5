package org.postern.postscreen;

import java.util.Locale;

/**
 * What postscreen does with a client that fails a test ({@code postscreen_*_action}): {@code
 * ignore} (log it, count the test as not passed, carry on), {@code enforce} (carry on, but
 * refuse every RCPT TO with a 550 reply and never hand the client to smtpd) or {@code drop}
 * (reply 521 and hang up at once).
 *
 * <p>Failure: another value is an IllegalArgumentException naming the parameter.
 */
enum Action {
  IGNORE, ENFORCE, DROP;

  static Action parse(String parameter, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "ignore" -> IGNORE;
      case "enforce" -> ENFORCE;
      case "drop" -> DROP;
      default -> throw new IllegalArgumentException(
          "unknown " + parameter + " value \"" + value.strip() + "\"; specify one of ignore, enforce, drop");
    };
  }
}
