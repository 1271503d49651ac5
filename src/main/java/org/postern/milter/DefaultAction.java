package org.postern.milter;

import java.util.Locale;

/**
 * What a milter's failure means for the mail ({@code milter_default_action}, or a milter's own
 * {@code default_action=}): Postfix's five words. The replies are Postfix's, for a lost or
 * misbehaving milter (communication error) and for a milter that cannot be used as configured
 * (configuration error).
 *
 * <p>Failure: an unknown word is refused by {@link #parse}, at start-up.
 */
public enum DefaultAction {
  ACCEPT("accept"),
  REJECT("reject"),
  TEMPFAIL("tempfail"),
  SHUTDOWN("shutdown"),
  QUARANTINE("quarantine");

  private final String word;

  DefaultAction(String word) {
    this.word = word;
  }

  /** The main.cf spelling. */
  public String word() {
    return word;
  }

  /** A main.cf word, case-insensitive as in Postfix. */
  public static DefaultAction parse(String text) {
    for (DefaultAction a : values()) {
      if (a.word.equalsIgnoreCase(text.strip())) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown milter default action: \"" + text
        + "\" (use accept, reject, tempfail, shutdown or quarantine)");
  }

  /** The verdict after a read, write or format error: the connection is gone. */
  Verdict communicationError() {
    return switch (this) {
      case ACCEPT -> Verdict.CONTINUE;
      case REJECT -> reply("550 5.5.0 Service unavailable");
      case TEMPFAIL -> reply("451 4.7.1 Service unavailable - try again later");
      case SHUTDOWN -> reply("421 4.7.1 Service unavailable - try again later");
      case QUARANTINE -> new Verdict.Hold("default_action");
    };
  }

  /** The verdict after a configuration error (bad protocol setting, bad request from the milter). */
  Verdict configurationError() {
    return switch (this) {
      case ACCEPT -> Verdict.CONTINUE;
      case SHUTDOWN -> reply("421 4.3.5 Server configuration problem - try again later");
      case QUARANTINE -> new Verdict.Hold("default_action");
      case REJECT, TEMPFAIL -> reply("451 4.3.5 Server configuration problem - try again later");
    };
  }

  private static Verdict reply(String text) {
    return new Verdict.Refuse(MilterReply.parse(text).orElseThrow());
  }

  @Override
  public String toString() {
    return word.toLowerCase(Locale.ROOT);
  }
}
