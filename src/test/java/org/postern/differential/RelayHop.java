package org.postern.differential;

import java.util.List;
import java.util.Objects;

/**
 * The middle hop of a chain cell: the sender MTA of a {@link Scenario} delivers to the other
 * MTA's {@code listener} (with the scenario's own overrides on that leg), and the other MTA relays
 * on to the scenario's receiver through a transport with {@code overrides}. A chain cell runs
 * Postfix 3.12 → Postern → receiver and Postern → Postfix 3.12 → receiver: each MTA plays both
 * roles once.
 *
 * <p>Failure: an override that is not {@code name=value} without spaces is refused.
 */
public record RelayHop(RelayListener listener, List<String> overrides) {
  public RelayHop {
    Objects.requireNonNull(listener);
    overrides = List.copyOf(overrides);
    Scenario.checkOverrides(overrides);
  }
}
