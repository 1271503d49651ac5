package org.postern.smtp;

/**
 * A next hop that yields no server to try: the enhanced status ({@code 5.1.2}, {@code 4.4.3},
 * {@code 5.1.10}...) and the text for the delivery status. A {@code 5} status bounces.
 */
final class DestinationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String dsn;

  DestinationException(String dsn, String text) {
    super(text);
    this.dsn = dsn;
  }

  String dsn() {
    return dsn;
  }

  boolean permanent() {
    return dsn.startsWith("5");
  }
}
