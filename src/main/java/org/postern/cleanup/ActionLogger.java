package org.postern.cleanup;

/**
 * Logs header/body check actions in Postfix's shape:
 * {@code ID: reject: header Subject: hi from host[addr]; from=<s> to=<r> proto=ESMTP helo=<h>:
 * 5.7.1 text}. The matched content is cut at 200 characters and control characters (the line
 * breaks of a folded header among them) are shown as {@code ?}, as Postfix's logging does.
 */
record ActionLogger(
    CleanupLog log, String queueId, String origin, String sender, String recipient,
    String protocol, String helo) {

  void action(String action, String context, String content, String text) {
    StringBuilder b = new StringBuilder();
    b.append(queueId).append(": ").append(action).append(": ").append(context).append(' ')
        .append(printable(content, 200)).append(" from ").append(origin).append(';');
    b.append(" from=<").append(sender).append('>');
    if (recipient != null) {
      b.append(" to=<").append(recipient).append('>');
    }
    if (!protocol.isEmpty()) {
      b.append(" proto=").append(protocol);
    }
    if (!helo.isEmpty()) {
      b.append(" helo=<").append(helo).append('>');
    }
    if (!text.isEmpty()) {
      b.append(": ").append(text);
    }
    log.line(b.toString());
  }

  /**
   * A milter decision: {@code ID: milter-reject: END-OF-MESSAGE from host[addr]: 5.7.1 text;
   * from=<s> to=<r> proto=ESMTP helo=<h>}.
   */
  void milter(String action, String event, String client, String text) {
    StringBuilder b = new StringBuilder();
    b.append(queueId).append(": ").append(action).append(": ").append(event).append(" from ")
        .append(client).append(": ").append(text).append(';');
    b.append(" from=<").append(sender).append('>');
    if (recipient != null) {
      b.append(" to=<").append(recipient).append('>');
    }
    if (!protocol.isEmpty()) {
      b.append(" proto=").append(protocol);
    }
    if (!helo.isEmpty()) {
      b.append(" helo=<").append(helo).append('>');
    }
    log.line(b.toString());
  }

  /**
   * A MIME error that rejects the message, in Postfix's shape: {@code ID: reject: mime-error
   * ERROR: TEXT from ORIGIN; from=<s> to=<r>}.
   */
  void mimeError(String error, String text) {
    log.line(queueId + ": reject: mime-error " + error + ": " + text + " from " + origin
        + "; from=<" + sender + "> to=<" + (recipient != null ? recipient : "unknown") + ">");
  }

  void warning(String text) {
    log.line("warning: " + text);
  }

  static String printable(String s, int max) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length() && b.length() < max; i++) {
      char c = s.charAt(i);
      b.append(c < ' ' || c == 127 ? '?' : c);
    }
    return b.toString();
  }
}
