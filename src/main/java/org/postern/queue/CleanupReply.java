package org.postern.queue;

import java.util.Objects;

/**
 * The answer cleanup gives for a message it did not queue: SMTP reply code, RFC 3463 enhanced
 * status and text, as smtpd sends them after DATA ({@code 550 5.7.1 message content rejected}).
 * {@link CleanupStatus#reply()} gives the one for each status; a REJECT action brings its own.
 *
 * <p>Failure: a code outside 400-599 is an IllegalArgumentException.
 */
public record CleanupReply(int code, String enhancedStatus, String text) {
  public CleanupReply {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("not a failure reply code: " + code);
    }
    Objects.requireNonNull(enhancedStatus, "enhancedStatus");
    Objects.requireNonNull(text, "text");
  }

  /** True for a 4xx reply: the client may try again later. */
  public boolean temporary() {
    return code < 500;
  }

  @Override
  public String toString() {
    return code + " " + enhancedStatus + " " + text;
  }
}
