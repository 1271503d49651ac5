package org.postern.smtpd;

import java.util.Map;

/**
 * Postfix's {@code smtpd_dsn_fix()}: an address status ({@code x.1.y}) that names the wrong end
 * of the envelope is turned around before it is sent, so that a sender refused with a
 * recipient's {@code 5.1.1} goes out as {@code 5.1.7}, and a recipient refused with a sender's
 * {@code 5.1.7} as {@code 5.1.3}. Other statuses pass unchanged; an address status on something
 * that is no address becomes {@code x.0.0}. The class digit is the reply code's business.
 *
 * <p>Failure: none.
 */
final class DsnFix {
  /** Final digit of x.1.y: the sender's and the recipient's replacement. */
  private record Pair(String sender, String recipient) {}

  private static final Map<String, Pair> MAP =
      Map.of(
          "1", new Pair("4.1.7", "4.1.1"),
          "2", new Pair("4.1.8", "4.1.2"),
          "3", new Pair("4.1.7", "4.1.3"),
          "4", new Pair("4.1.7", "4.1.4"),
          "5", new Pair("4.1.0", "4.1.5"),
          "6", new Pair("4.1.7", "4.1.6"),
          "7", new Pair("4.1.7", "4.1.3"),
          "8", new Pair("4.1.8", "4.1.2"));
  private static final Pair DEFAULT = new Pair("4.1.0", "4.1.0");

  private DsnFix() {}

  static String fix(String status, String replyClass) {
    if (status.length() < 5 || !Character.isDigit(status.charAt(0)) || !status.startsWith(".1.", 1)) {
      return status;
    }
    Pair p = MAP.getOrDefault(status.substring(4), DEFAULT);
    String fixed =
        switch (replyClass) {
          case SmtpdCheck.SENDER -> p.sender();
          case SmtpdCheck.RECIPIENT -> p.recipient();
          default -> "4.0.0";
        };
    return status.charAt(0) + fixed.substring(1);
  }
}
