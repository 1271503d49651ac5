package org.postern.config;

/** A value whose {@code $name} expansion cannot complete; the caller adds file, line and parameter. */
final class ExpansionException extends Exception {
  private static final long serialVersionUID = 1L;

  ExpansionException(String reason) {
    super(reason);
  }
}
