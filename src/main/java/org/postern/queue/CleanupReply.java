package org.postern.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer cleanup gives for a message it did not queue: SMTP reply code, RFC 3463 enhanced
 * status and text, as smtpd sends them after DATA ({@code 550 5.7.1 message content rejected}).
 * {@link CleanupStatus#reply()} gives the one for each status; a REJECT action brings its own; a
 * milter's multi-line reply brings its further lines in {@code continuation}, which smtpd sends
 * as a multi-line reply with the same code.
 *
 * <p>Failure: a code outside 400-599, or a line break inside a line, is an
 * IllegalArgumentException.
 */
public record CleanupReply(int code, String enhancedStatus, String text, List<String> continuation) {
  public CleanupReply {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("not a failure reply code: " + code);
    }
    Objects.requireNonNull(enhancedStatus, "enhancedStatus");
    Objects.requireNonNull(text, "text");
    continuation = List.copyOf(continuation);
    for (String line : lines(text, continuation)) {
      if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("reply text contains a line break: " + line);
      }
    }
  }

  /** A one-line reply. */
  public CleanupReply(int code, String enhancedStatus, String text) {
    this(code, enhancedStatus, text, List.of());
  }

  /** Every line of the reply text, the first one first. */
  public List<String> lines() {
    return lines(text, continuation);
  }

  private static List<String> lines(String first, List<String> rest) {
    List<String> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
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
