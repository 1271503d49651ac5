package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The verdict of a differential scenario: every difference fails unless {@link AllowList} accepts it. */
final class Differences {
  /** The allow-list entries that accepted a difference in this JVM. */
  private static final Set<AllowList.Entry> USED = ConcurrentHashMap.newKeySet();

  private Differences() {}

  /**
   * The end of a suite: closes its world, then, when every cell ran (no {@code
   * differential.scenarios} selection), fails on a stale allow-list entry.
   */
  static void finish(DifferentialWorld world, List<Scenario> ran, List<Scenario> all)
      throws Exception {
    try {
      if (world != null) {
        world.close();
      }
    } finally {
      if (ran.size() == all.size()) {
        assertAllowListUsed(ran.stream().map(Scenario::name).toList());
      }
    }
  }

  /**
   * Fails naming every allow-list entry for {@code suite}'s scenarios that accepted nothing: it is
   * stale, remove it. Call it after a whole suite.
   */
  static void assertAllowListUsed(List<String> suite) {
    assertThat(AllowList.ENTRIES.stream()
            .filter(e -> suite.stream().anyMatch(s -> e.scenario().matcher(s).matches()))
            .filter(e -> !USED.contains(e))
            .map(AllowList.Entry::reason)
            .toList())
        .as("allow-list entries no difference needed (remove them from AllowList)")
        .isEmpty();
  }

  /** Fails with every difference between the observations that the allow-list does not cover. */
  static void assertAgree(Scenario s, Map<Mta, Observation> seen) {
    assertAgree(s.name(), s.toString(), seen);
  }

  /**
   * As {@link #assertAgree(Scenario, Map)} for a cell that is not a {@link Scenario}: {@code cell}
   * is the name allow-list entries match, {@code description} what a failure says.
   */
  static void assertAgree(String cell, String description, Map<Mta, Observation> seen) {
    Observation postfix = seen.get(Mta.POSTFIX);
    Observation postern = seen.get(Mta.POSTERN);
    List<Observation.Difference> open =
        postfix.differences(postern).stream()
            .filter(d -> AllowList.find(cell, d).map(USED::add).isEmpty())
            .toList();
    assertThat(open)
        .as("differences between Postfix 3.12 and Postern in " + description + "\npostfix: " + postfix.fields()
            + "\npostern: " + postern.fields())
        .isEmpty();
  }
}
