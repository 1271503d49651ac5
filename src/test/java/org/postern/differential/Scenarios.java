package org.postern.differential;

import java.util.List;
import java.util.regex.Pattern;

/** Helpers for building a suite's list of scenarios. */
final class Scenarios {
  private Scenarios() {}

  /**
   * {@code all}, or only those whose name matches the regular expression in the system property
   * {@code differential.scenarios} ({@code -Ddifferential.scenarios='enforce-verify-.*'}): one
   * world then starts for just the cells being worked on.
   */
  static List<Scenario> selected(List<Scenario> all) {
    String only = System.getProperty("differential.scenarios", "");
    if (only.isEmpty()) {
      return all;
    }
    Pattern p = Pattern.compile(only);
    return all.stream().filter(s -> p.matcher(s.name()).matches()).toList();
  }
}
