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

  /** Fails naming every allow-list entry that accepted nothing: it is stale, remove it. */
  static void assertAllowListUsed() {
    assertThat(AllowList.ENTRIES.stream().filter(e -> !USED.contains(e)).map(AllowList.Entry::reason).toList())
        .as("allow-list entries no difference needed (remove them from AllowList)")
        .isEmpty();
  }

  /** Fails with every difference between the observations that the allow-list does not cover. */
  static void assertAgree(Scenario s, Map<Mta, Observation> seen) {
    Observation postfix = seen.get(Mta.POSTFIX);
    Observation postern = seen.get(Mta.POSTERN);
    List<Observation.Difference> open =
        postfix.differences(postern).stream()
            .filter(d -> AllowList.find(s, d).map(USED::add).isEmpty())
            .toList();
    assertThat(open)
        .as("differences between Postfix 3.12 and Postern in " + s + "\npostfix: " + postfix.fields()
            + "\npostern: " + postern.fields())
        .isEmpty();
  }
}
