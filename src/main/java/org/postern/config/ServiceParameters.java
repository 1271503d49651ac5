package org.postern.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parameters that exist because master.cf defines a delivery transport: for a transport named
 * {@code relay}, {@code relay_destination_concurrency_limit} and friends, defaulting to the
 * {@code default_*} parameter, as Postfix's qmgr and postconf know them.
 */
final class ServiceParameters {
  private static final Set<String> DELIVERY_AGENTS =
      Set.of("smtp", "lmtp", "local", "virtual", "pipe", "error", "discard");

  private record Suffix(String suffix, String defaultText, ParameterType type) {}

  private static final List<Suffix> SUFFIXES = List.of(
      new Suffix("_destination_concurrency_limit", "$default_destination_concurrency_limit", ParameterType.INT),
      new Suffix("_destination_recipient_limit", "$default_destination_recipient_limit", ParameterType.INT),
      new Suffix("_initial_destination_concurrency", "$initial_destination_concurrency", ParameterType.INT),
      new Suffix("_destination_rate_delay", "$default_destination_rate_delay", ParameterType.TIME),
      new Suffix("_destination_concurrency_failed_cohort_limit",
          "$default_destination_concurrency_failed_cohort_limit", ParameterType.INT),
      new Suffix("_destination_concurrency_positive_feedback",
          "$default_destination_concurrency_positive_feedback", ParameterType.STRING),
      new Suffix("_destination_concurrency_negative_feedback",
          "$default_destination_concurrency_negative_feedback", ParameterType.STRING),
      new Suffix("_extra_recipient_limit", "$default_extra_recipient_limit", ParameterType.INT),
      new Suffix("_recipient_limit", "$default_recipient_limit", ParameterType.INT),
      new Suffix("_time_limit", "$command_time_limit", ParameterType.TIME));

  private ServiceParameters() {}

  /** The specs for every delivery transport in {@code master} that the registry lacks. */
  static List<ParameterSpec> of(MasterCf master) {
    List<ParameterSpec> specs = new ArrayList<>();
    for (MasterService s : master.services()) {
      if (s.type() != ServiceType.UNIX || !DELIVERY_AGENTS.contains(s.command())
          || !MainCf.isValidName(s.service())) {
        continue;
      }
      for (Suffix x : SUFFIXES) {
        String name = s.service() + x.suffix();
        if (Parameters.spec(name).isEmpty() && specs.stream().noneMatch(p -> p.name().equals(name))) {
          specs.add(new ParameterSpec(name, x.defaultText(), x.type(), 's'));
        }
      }
    }
    return specs;
  }
}
