package org.postern.dns;

/** One MX record: preference and exchange host name, without the trailing dot. */
public record MxRecord(int preference, String exchange) {

  /** RFC 7505: a single MX with an empty exchange ({@code .}) says the domain takes no mail. */
  public boolean isNullMx() {
    return exchange.isEmpty() || exchange.equals(".");
  }
}
