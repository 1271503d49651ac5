package org.postern.smtpd;

import java.io.IOException;

/**
 * The client sent LF without CR under {@code smtpd_forbid_bare_newline = reject}: the session
 * answers {@code 550 5.5.2 Error: bare <LF> received} and hangs up, because nothing the client
 * sends afterwards can be trusted to be framed as it meant (the SMTP smuggling class of attacks).
 */
final class BareNewlineException extends IOException {
  private static final long serialVersionUID = 1L;

  BareNewlineException() {
    super("bare <LF> received");
  }

  static Reply reply() {
    return Reply.of(550, "5.5.2", "Error: bare <LF> received");
  }
}
