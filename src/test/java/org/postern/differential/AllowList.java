package org.postern.differential;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one list of known, accepted differences between Postfix 3.12 and Postern in the
 * differential suite. An entry names the scenarios it covers (a regular expression over the
 * scenario name), the observed field ({@link Observation}: {@code log.tls}, {@code bounce.parts},
 * ...; a regular expression too) and why the difference is accepted. Every other difference fails
 * the scenario. Keep the reason concrete: what Postern does instead, and why that is right or
 * which branch will remove the entry.
 */
final class AllowList {
  /** One accepted difference. */
  record Entry(Pattern scenario, Pattern field, String reason) {
    boolean covers(Scenario s, Observation.Difference d) {
      return scenario.matcher(s.name()).matches() && field.matcher(d.field()).matches();
    }
  }

  private static Entry entry(String scenario, String field, String reason) {
    return new Entry(Pattern.compile(scenario), Pattern.compile(field), reason);
  }

  static final List<Entry> ENTRIES =
      List.of(
          entry(".*", "bounce\\.dsn\\.Diagnostic-Code\\.type",
              "Postern's own diagnostics are typed X-$mail_name as Postfix's; mail_name defaults to"
                  + " Postern (X-Postern) where Postfix's is Postfix"),
          entry(".*", "bounce\\.dsn\\.Original-Recipient",
              "Postern's cleanup records no DSN original recipient when none was given, where"
                  + " Postfix's cleanup makes one (rfc822;ADDR, cleanup_addr.c), so the bounce falls"
                  + " back to the original address (rfc822; ADDR, or none): a cleanup change, left"
                  + " for its owner"));

  private AllowList() {}

  /** The entry that accepts {@code d} in {@code s}, if any. */
  static Optional<Entry> find(Scenario s, Observation.Difference d) {
    return ENTRIES.stream().filter(e -> e.covers(s, d)).findFirst();
  }
}
