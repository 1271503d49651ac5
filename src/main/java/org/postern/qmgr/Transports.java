package org.postern.qmgr;

import java.util.Map;
import java.util.Optional;
import org.postern.deliver.DeliveryAgent;

/**
 * The delivery transports master.cf defines, as the queue manager needs them: the agent behind a
 * transport name and that service's process limit ({@code maxproc}), which bounds how many
 * deliveries run over the transport at once. The master fills this from master.cf.
 */
public interface Transports {
  /** The agent for {@code transport}; empty when master.cf has no such service. */
  Optional<DeliveryAgent> agent(String transport);

  /** The transport's {@code maxproc} (its {@code default_process_limit} when "-"); at least 1. */
  int processLimit(String transport);

  /** Fixed transports: {@code agents} by name, each with {@code processLimits} or the default. */
  static Transports of(
      Map<String, DeliveryAgent> agents, Map<String, Integer> processLimits, int defaultProcessLimit) {
    Map<String, DeliveryAgent> a = Map.copyOf(agents);
    Map<String, Integer> p = Map.copyOf(processLimits);
    return new Transports() {
      @Override
      public Optional<DeliveryAgent> agent(String transport) {
        return Optional.ofNullable(a.get(transport));
      }

      @Override
      public int processLimit(String transport) {
        return Math.max(1, p.getOrDefault(transport, defaultProcessLimit));
      }
    };
  }
}
