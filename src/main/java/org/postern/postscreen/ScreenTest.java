package org.postern.postscreen;

/**
 * The tests whose results postscreen remembers per client address: the two before the SMTP
 * greeting and the three "deep protocol" tests after it, in the order of Postfix's cache records.
 */
enum ScreenTest {
  PREGREET, DNSBL, PIPELINING, NON_SMTP_COMMAND, BARE_NEWLINE;

  boolean beforeGreeting() {
    return this == PREGREET || this == DNSBL;
  }
}
