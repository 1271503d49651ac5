package org.postern.tls;

/** TLS key material or settings that cannot be used; the message names the file or parameter. */
public final class TlsConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public TlsConfigException(String message) {
    super(message);
  }

  public TlsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
