package org.postern.log;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line the SMTP and LMTP clients log for each delivery attempt of a REQUIRETLS message, right
 * before its delivery status lines, naming the server certificate check that was done:
 *
 * <pre>QUEUEID: requiretls: to=&lt;rcpt&gt;, relay=host[addr]:port, check=KIND (detail)</pre>
 *
 * <p>The status line's {@code tls=LEVEL/FEATURE} keeps Postfix's shape (log tools parse it, and an
 * MTA-STS {@code enforce} session shows there as {@code secure}, as with Postfix's MTA-STS
 * resolvers); this line says what the level rested on. KIND is one of {@link Check}; the detail
 * says what matched ({@code TLSA 3 1 1 matched depth 0}) or why nothing was checked ({@code no
 * TLS}). A check that failed is named too, its detail saying so.
 *
 * <p>Failure: {@link #read} returns empty for any line not of this shape, an unknown KIND
 * included; reading never throws.
 */
public record RequireTlsCheckLine(
    String queueId, String recipient, Relay relay, Check check, String detail) {

  /** What the certificate was checked against. */
  public enum Check {
    /** TLSA records (RFC 7672). */
    DANE,
    /** An MTA-STS {@code enforce} policy: its {@code mx} pattern, then PKIX for the MX name. */
    MTA_STS,
    /** PKIX trust and a name ({@code verify} or {@code secure}). */
    PKIX,
    /** A configured certificate or public-key fingerprint. */
    FINGERPRINT,
    /** No certificate was checked: no TLS, or a level that checks none. */
    NONE;

    /** The word logged: {@code dane}, {@code mta-sts}, {@code pkix}, {@code fingerprint}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<Check> ofWord(String word) {
      return Arrays.stream(values()).filter(c -> c.word().equals(word)).findFirst();
    }
  }

  private static final Pattern LINE = Pattern.compile("(?:^|\\s)\\S+/(?:smtp|lmtp)\\[\\d+\\]:"
      + " ([0-9A-Za-z]+): requiretls: to=<(.*?)>, relay=(\\S+), check=([a-z-]+) \\((.*)\\)$");

  public RequireTlsCheckLine {
    Objects.requireNonNull(queueId);
    Objects.requireNonNull(recipient);
    Objects.requireNonNull(relay);
    Objects.requireNonNull(check);
    Objects.requireNonNull(detail);
  }

  /** The text logged, without the program prefix. */
  public String text() {
    return queueId + ": requiretls: to=<" + recipient + ">, relay=" + relay + ", check="
        + check.word() + " (" + detail + ")";
  }

  /** Reads one log line (without its terminator). */
  public static Optional<RequireTlsCheckLine> read(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    return Check.ofWord(m.group(4)).map(c ->
        new RequireTlsCheckLine(m.group(1), m.group(2), new Relay(m.group(3)), c, m.group(5)));
  }
}
