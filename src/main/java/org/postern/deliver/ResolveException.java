package org.postern.deliver;

/** A resolver lookup failed transiently (a table did not answer); the recipient is deferred. */
public final class ResolveException extends Exception {
  private static final long serialVersionUID = 1L;

  public ResolveException(String message, Throwable cause) {
    super(message, cause);
  }

  public ResolveException(String message) {
    super(message);
  }
}
