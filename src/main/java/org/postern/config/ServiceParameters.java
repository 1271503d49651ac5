package org.postern.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parameters that exist because master.cf defines a delivery transport: for a transport named
 * {@code relay}, {@code relay_destination_concurrency_limit} and friends, defaulting to the
 * {@code default_*} parameter, as Postfix's qmgr and postconf know them.
 */
final class ServiceParameters {
  /**
   * The master.cf commands for which Postfix's postconf defines per-transport parameters; pipe
   * and spawn entries also get {@code _time_limit}, spawn entries nothing else.
   */
  private static final Set<String> DELIVERY_AGENTS =
      Set.of("smtp", "lmtp", "local", "virtual", "pipe", "error");
  private static final Set<String> TIME_LIMITED = Set.of("pipe", "spawn");
  private static final String TIME_LIMIT = "_time_limit";

  /** One per-transport parameter; {@code read} when qmgr or the agent honours it. */
  private record Suffix(String suffix, String defaultText, ParameterType type, boolean read) {}

  private static final List<Suffix> SUFFIXES = List.of(
      new Suffix("_destination_concurrency_limit", "$default_destination_concurrency_limit", ParameterType.INT, true),
      new Suffix("_destination_recipient_limit", "$default_destination_recipient_limit", ParameterType.INT, true),
      new Suffix("_initial_destination_concurrency", "$initial_destination_concurrency", ParameterType.INT, true),
      new Suffix("_destination_concurrency_failed_cohort_limit",
          "$default_destination_concurrency_failed_cohort_limit", ParameterType.INT, true),
      new Suffix(TIME_LIMIT, "$command_time_limit", ParameterType.TIME, true),
      new Suffix("_destination_rate_delay", "$default_destination_rate_delay", ParameterType.TIME, false),
      new Suffix("_destination_concurrency_positive_feedback",
          "$default_destination_concurrency_positive_feedback", ParameterType.STRING, false),
      new Suffix("_destination_concurrency_negative_feedback",
          "$default_destination_concurrency_negative_feedback", ParameterType.STRING, false),
      new Suffix("_extra_recipient_limit", "$default_extra_recipient_limit", ParameterType.INT, false),
      new Suffix("_recipient_limit", "$default_recipient_limit", ParameterType.INT, false),
      new Suffix("_delivery_slot_cost", "$default_delivery_slot_cost", ParameterType.INT, false),
      new Suffix("_delivery_slot_discount", "$default_delivery_slot_discount", ParameterType.INT, false),
      new Suffix("_delivery_slot_loan", "$default_delivery_slot_loan", ParameterType.INT, false),
      new Suffix("_minimum_delivery_slots", "$default_minimum_delivery_slots", ParameterType.INT, false),
      new Suffix("_recipient_refill_delay", "$default_recipient_refill_delay", ParameterType.TIME, false),
      new Suffix("_recipient_refill_limit", "$default_recipient_refill_limit", ParameterType.INT, false),
      new Suffix("_transport_rate_delay", "$default_transport_rate_delay", ParameterType.TIME, false));

  private ServiceParameters() {}

  /** The specs for every delivery transport in {@code master} that the registry lacks. */
  static List<ParameterSpec> of(MasterCf master) {
    return suffixesOf(master, true);
  }

  /** The names of {@link #of} that no daemon honours (qmgr has no slot or rate scheduling). */
  static Set<String> unsupported(MasterCf master) {
    Set<String> names = new HashSet<>();
    suffixesOf(master, false).forEach(p -> names.add(p.name()));
    return names;
  }

  private static List<ParameterSpec> suffixesOf(MasterCf master, boolean all) {
    List<ParameterSpec> specs = new ArrayList<>();
    for (MasterService s : master.services()) {
      if (s.type() != ServiceType.UNIX || !MainCf.isValidName(s.service())) {
        continue;
      }
      for (Suffix x : SUFFIXES) {
        boolean timeLimit = x.suffix().equals(TIME_LIMIT);
        if (timeLimit ? !TIME_LIMITED.contains(s.command()) : !DELIVERY_AGENTS.contains(s.command())) {
          continue;
        }
        String name = s.service() + x.suffix();
        if ((all || !x.read()) && !Parameters.typed(name)
            && specs.stream().noneMatch(p -> p.name().equals(name))) {
          specs.add(new ParameterSpec(name, x.defaultText(), x.type(), 's'));
        }
      }
    }
    return specs;
  }
}
