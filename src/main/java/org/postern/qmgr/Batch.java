package org.postern.qmgr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recipients of one delivery request: same transport, same per-destination queue, at most
 * {@code transport_destination_recipient_limit} of them (Postfix's qmgr_message_assign).
 */
record Batch(String transport, String nexthop, String queueName, List<Routing.Routed> recipients) {
  Batch {
    recipients = List.copyOf(recipients);
  }

  /** Groups {@code routed} in order of first appearance and splits groups at the limit. */
  static List<Batch> group(List<Routing.Routed> routed, TransportLimits limits) {
    Map<String, List<Routing.Routed>> groups = new LinkedHashMap<>();
    for (Routing.Routed r : routed) {
      groups.computeIfAbsent(r.transport() + "\0" + r.queueName(), k -> new ArrayList<>()).add(r);
    }
    List<Batch> batches = new ArrayList<>();
    for (List<Routing.Routed> group : groups.values()) {
      Routing.Routed first = group.get(0);
      int limit = limits.recipientLimit(first.transport());
      int size = limit <= 0 ? group.size() : limit;
      for (int i = 0; i < group.size(); i += size) {
        batches.add(new Batch(first.transport(), first.nexthop(), first.queueName(),
            group.subList(i, Math.min(group.size(), i + size))));
      }
    }
    return batches;
  }
}
