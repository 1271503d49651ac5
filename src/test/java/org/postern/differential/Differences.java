package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** The verdict of a differential scenario: every difference fails unless {@link AllowList} accepts it. */
final class Differences {
  private Differences() {}

  /** Fails with every difference between the observations that the allow-list does not cover. */
  static void assertAgree(Scenario s, Map<Mta, Observation> seen) {
    Observation postfix = seen.get(Mta.POSTFIX);
    Observation postern = seen.get(Mta.POSTERN);
    List<Observation.Difference> open =
        postfix.differences(postern).stream().filter(d -> AllowList.find(s, d).isEmpty()).toList();
    assertThat(open)
        .as("differences between Postfix 3.12 and Postern in " + s + "\npostfix: " + postfix.fields()
            + "\npostern: " + postern.fields())
        .isEmpty();
  }
}
