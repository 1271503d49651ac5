package org.postern.queue;

/** The MAIL FROM BODY parameter (RFC 6152), spelled as on the wire. */
public enum BodyType {
  SEVEN_BIT("7BIT"),
  EIGHT_BIT_MIME("8BITMIME");

  private final String keyword;

  BodyType(String keyword) {
    this.keyword = keyword;
  }

  public String keyword() {
    return keyword;
  }

  /** The body type spelled {@code keyword} (case-insensitive), or null. */
  static BodyType ofKeyword(String keyword) {
    for (BodyType t : values()) {
      if (t.keyword.equalsIgnoreCase(keyword)) {
        return t;
      }
    }
    return null;
  }
}
