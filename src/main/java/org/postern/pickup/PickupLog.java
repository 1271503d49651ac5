package org.postern.pickup;

/**
 * Where pickup reports what it does, in Postfix's words: {@code info} lines such as {@code
 * 4C1D2A0F3B: uid=1000 from=<alice>}, {@code warning} lines without the {@code warning: } prefix,
 * which the log sink adds. The master connects this to the mail log.
 */
public interface PickupLog {
  void info(String message);

  void warning(String message);
}
