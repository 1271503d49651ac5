package org.postern.pipe;

/**
 * A pipe entry's {@code user=name[:group]} names an account or group that the name service does
 * not know (yet): Postfix's pipe fails every delivery to that transport ({@code get_service_attr:
 * unknown username: vmail}) and qmgr defers the mail, while the rest of the mail system runs.
 */
public final class UnknownAccountException extends Exception {
  public UnknownAccountException(String message) {
    super(message);
  }
}
