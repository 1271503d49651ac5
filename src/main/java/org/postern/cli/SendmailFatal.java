package org.postern.cli;

/**
 * A sendmail failure that ends the command: printed as {@code sendmail: fatal: MESSAGE} and
 * turned into the sysexits status Postfix's sendmail uses for it.
 */
final class SendmailFatal extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  SendmailFatal(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
