package org.postern.smtp;

import java.util.Optional;

/** Stands in for {@code cidr:{ {0.0.0.0/0 opportunistic} {::/0 opportunistic} }}. */
final class FakeCidr {
  private FakeCidr() {}

  static Optional<String> anyAddress(String key) {
    return NextHopName.isHostAddress(key) ? Optional.of("opportunistic") : Optional.empty();
  }
}
