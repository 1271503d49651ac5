package org.postern.local;

/**
 * What became of one target of a recipient's expansion (a mailbox, a file, a command, the
 * forwarded copy), as local(8) logs each: the DSN status and the text of {@code status=...
 * (text)}.
 */
sealed interface Outcome {
  String dsn();

  String text();

  record Sent(String dsn, String text, boolean relayed) implements Outcome {}

  record Deferred(String dsn, String text) implements Outcome {}

  record Bounced(String dsn, String text) implements Outcome {}

  static Outcome delivered(String text) {
    return new Sent("2.0.0", text, false);
  }

  static Outcome deferred(String dsn, String text) {
    return new Deferred(dsn, text);
  }

  static Outcome bounced(String dsn, String text) {
    return new Bounced(dsn, text);
  }
}
