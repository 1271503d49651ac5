package org.postern.differential;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one list of known, accepted differences between Postfix 3.12 and Postern in the
 * differential suite. An entry names the scenarios it covers (a regular expression over the
 * scenario name), the observed field ({@link Observation}: {@code log.tls}, {@code bounce.parts},
 * ...; a regular expression too) and why the difference is accepted. Every other difference fails
 * the scenario. An entry may also name the values it accepts ({@code postfix | postern}, a
 * regular expression), so that it hides nothing else in that field. Keep the reason concrete: what Postern does instead, and why that is right or
 * which branch will remove the entry.
 */
final class AllowList {
  /** One accepted difference. */
  record Entry(Pattern scenario, Pattern field, Pattern values, String reason) {
    boolean covers(Scenario s, Observation.Difference d) {
      return scenario.matcher(s.name()).matches() && field.matcher(d.field()).matches()
          && values.matcher(d.postfix() + " | " + d.postern()).matches();
    }
  }

  private static Entry entry(String scenario, String field, String reason) {
    return entry(scenario, field, ".*", reason);
  }

  private static Entry entry(String scenario, String field, String values, String reason) {
    return new Entry(Pattern.compile(scenario), Pattern.compile(field), Pattern.compile(values), reason);
  }

  static final List<Entry> ENTRIES =
      List.of(
          entry(".*", "bounce\\.dsn\\.Diagnostic-Code\\.type",
              "Postern's own diagnostics are typed X-$mail_name as Postfix's; mail_name defaults to"
                  + " Postern (X-Postern) where Postfix's is Postfix"),
          entry(".*-via-.*", "client\\.log\\.text",
              "250 2\\.0\\.0 Ok: queued as QUEUEID \\| 250 2\\.0\\.0 Ok: \\d+ bytes queued as QUEUEID",
              "Postern's smtp client sends BDAT (CHUNKING) where Postfix's sends DATA, and Postfix's smtpd"
                  + " answers the last BDAT chunk with 'Ok: N bytes queued as ID' (Postern's smtpd too)"));

  private AllowList() {}

  /** The entry that accepts {@code d} in {@code s}, if any. */
  static Optional<Entry> find(Scenario s, Observation.Difference d) {
    return ENTRIES.stream().filter(e -> e.covers(s, d)).findFirst();
  }
}
