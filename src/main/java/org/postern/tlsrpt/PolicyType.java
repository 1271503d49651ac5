package org.postern.tlsrpt;

import java.util.Optional;

/** The kind of policy a session was held to, as RFC 8460 section 4.3 spells it. */
public enum PolicyType {
  STS("sts"),
  TLSA("tlsa"),
  NO_POLICY_FOUND("no-policy-found");

  private final String spelling;

  PolicyType(String spelling) {
    this.spelling = spelling;
  }

  public String spelling() {
    return spelling;
  }

  static Optional<PolicyType> parse(String text) {
    for (PolicyType t : values()) {
      if (t.spelling.equals(text)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
