package org.postern.config;

import org.postern.util.Spellings;

/** The master.cf service types, with their Postfix spelling. */
public enum ServiceType {
  INET("inet"), UNIX("unix"), UNIX_DGRAM("unix-dgram"), FIFO("fifo"), PASS("pass");

  private final String spelling;

  ServiceType(String spelling) {
    this.spelling = spelling;
  }

  /** The word as written in master.cf. */
  public String spelling() {
    return spelling;
  }

  /** The type spelled {@code word}, or null. */
  static ServiceType of(String word) {
    return Spellings.find(values(), t -> t.spelling, word).orElse(null);
  }
}
