package org.postern.verify;

import java.time.Clock;
import java.time.Duration;

/**
 * Postfix's {@code make_verify_sender_addr()}: the envelope sender of a probe. With {@code
 * address_verify_sender_ttl} above zero the local part gets a time stamp that changes every TTL
 * ({@code double-bounceD3H@example.com}), written in Postfix's base 31 alphabet of digits and
 * consonants, so probes cannot be abused as a fixed address; the null sender ({@code <>} or
 * empty) never changes. Cleanup then qualifies a bare local part with {@code $myorigin}.
 *
 * <p>Failure: none; {@link VerifySettings} refuses a sender that starts or ends with {@code @}.
 */
final class ProbeSenderAddress {
  private static final String SAFE_CHARS = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
  private static final int BASE = 31;

  private final String sender;
  private final Duration ttl;
  private final Clock clock;

  ProbeSenderAddress(String sender, Duration ttl, Clock clock) {
    this.sender = sender;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The sender of a probe sent now. */
  String current() {
    if (sender.isEmpty() || sender.equals("<>")) {
      return "";
    }
    if (ttl.isZero() || ttl.isNegative()) {
      return sender;
    }
    long epoch = clock.instant().getEpochSecond() / ttl.toSeconds();
    int at = sender.indexOf('@');
    String local = at < 0 ? sender : sender.substring(0, at);
    String domain = at < 0 ? "" : sender.substring(at);
    return local + base31(epoch) + domain;
  }

  /** Postfix's safe_ultostr(value, 31): most significant digit first, nothing for zero. */
  static String base31(long value) {
    StringBuilder b = new StringBuilder();
    for (long v = value; v != 0; v /= BASE) {
      b.append(SAFE_CHARS.charAt((int) (v % BASE)));
    }
    return b.reverse().toString();
  }
}
