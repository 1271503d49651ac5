package org.postern.deliver;

/**
 * A reason text split into its optional leading RFC 3463 status code and the free text, as
 * Postfix's {@code dsn_split()} does it: the error, discard and pipe agents take a delivery's
 * status from the reason text a table or command gives.
 *
 * @param dsn the status code found at the start of the text, or the default
 * @param text the rest, leading white space removed
 */
public record DsnReason(String dsn, String text) {

  /** Splits {@code text}, using {@code defaultDsn} when it does not start with a status code. */
  public static DsnReason split(String defaultDsn, String text) {
    String s = text.stripLeading();
    int len = validLength(s);
    if (len == 0) {
      return new DsnReason(defaultDsn, s);
    }
    return new DsnReason(s.substring(0, len), s.substring(len).stripLeading());
  }

  /**
   * This status when it is of the class of {@code defaultDsn}, else {@code defaultDsn}: a bounce
   * carries 5.x.x, a deferral 4.x.x, whatever the reason text claims.
   */
  public String dsnOfClass(String defaultDsn) {
    return dsn.charAt(0) == defaultDsn.charAt(0) ? dsn : defaultDsn;
  }

  /** The length of the status code at the start of {@code s}: class.1-3 digits.1-3 digits. */
  public static int validLength(String s) {
    if (s.length() < 2 || "245".indexOf(s.charAt(0)) < 0 || s.charAt(1) != '.') {
      return 0;
    }
    int subject = digits(s, 2);
    if (subject < 1 || subject > 3 || 2 + subject >= s.length() || s.charAt(2 + subject) != '.') {
      return 0;
    }
    int start = 3 + subject;
    int detail = digits(s, start);
    int end = start + detail;
    if (detail < 1 || detail > 3 || (end < s.length() && !Character.isWhitespace(s.charAt(end)))) {
      return 0;
    }
    return end;
  }

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }
}
