package org.postern.smtpd;

/**
 * A command cannot go on; the reply says why. Thrown by parsers and checks so that each command
 * handler reads as the sequence of Postfix's checks, and caught in one place by the session.
 */
final class ReplyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Reply reply;

  ReplyException(Reply reply) {
    super(reply.toString(), null, false, false);
    this.reply = reply;
  }

  ReplyException(int code, String enhanced, String text) {
    this(Reply.of(code, enhanced, text));
  }

  Reply reply() {
    return reply;
  }
}
