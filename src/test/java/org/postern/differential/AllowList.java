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
    boolean covers(String cell, Observation.Difference d) {
      return scenario.matcher(cell).matches() && field.matcher(d.field()).matches()
          && values.matcher(d.postfix() + " | " + d.postern()).matches();
    }
  }

  private static Entry entry(String scenario, String field, String reason) {
    return entry(scenario, field, ".*", reason);
  }

  private static Entry entry(String scenario, String field, String values, String reason) {
    return new Entry(Pattern.compile(scenario), Pattern.compile(field), Pattern.compile(values, Pattern.DOTALL), reason);
  }

  static final List<Entry> ENTRIES =
      List.of(
          entry("(?!post(queue|cat)-|wellformed$|nonheader).*", "bounce\\.dsn\\.Diagnostic-Code\\.type",
              "Postern's own diagnostics are typed X-$mail_name as Postfix's; mail_name defaults to"
                  + " Postern (X-Postern) where Postfix's is Postfix (the header cells bounce only"
                  + " with the receiver's smtp; diagnostics)"),
          entry(".*-via-.*", "client\\.log\\.text",
              "250 2\\.0\\.0 Ok: queued as QUEUEID \\| 250 2\\.0\\.0 Ok: \\d+ bytes queued as QUEUEID",
              "Postern's smtp client sends BDAT (CHUNKING) where Postfix's sends DATA, and Postfix's smtpd"
                  + " answers the last BDAT chunk with 'Ok: N bytes queued as ID' (Postern's smtpd too)"),
          entry("postcat-e-.*", "spelling",
              "Postern's queue file has its own records (docs/queue-format.md), and postcat prints them by"
                  + " their own names: REQUIRETLS and SMTPUTF8 as records (requiretls, smtputf8) instead of"
                  + " sendopts bits in a six-field message_size, DSN ORCPT and NOTIFY as records"
                  + " (dsn_orig_rcpt, dsn_notify_flags) instead of named attributes, dsn_envid/dsn_ret for"
                  + " envelope_id/ret_flags, sender_fullname as a named attribute. Each fact is compared on"
                  + " its own (env.*)"),
          entry("postcat-e-.*", "env\\.create_time",
              "Postern's queue file keeps one time, the arrival time (T record); Postfix's create_time is"
                  + " when the file was made, which differs from it only for requeued mail"),
          entry("postcat-e-.*", "extracted\\.message_id",
              "Postfix's cleanup stores the Message-Id in the extracted segment for its milter and"
                  + " logging code; Postern's cleanup logs message-id= without storing it"),
          entry("postcat-e-dsn",
              "env\\.(client_address_type|client_port|log_[a-z_]+|reverse_client_name|server_address|server_port)",
              "Postern's smtpd records client_name, client_address, helo_name and protocol_name only"
                  + " (docs/queue-format.md); Postfix's also keeps the XFORWARD and milter facts (log_*,"
                  + " ports, server address, reverse client name, address type)"),
          entry("(postcat-e|postcat-h|postqueue-j)-dsn", "env\\.rewrite_context|(env\\.)?message_size|header",
              "local_header_rewrite_clients is not implemented: Postern's smtpd hands every client to"
                  + " cleanup in the remote rewrite context, where Postfix's default permit_inet_interfaces"
                  + " (with inet_interfaces = all) makes the 127.0.0.1 client local, so Postfix's cleanup"
                  + " adds Message-Id: and Date: (a larger message) and Postern's does not"));

  private AllowList() {}

  /** The entry that accepts {@code d} in the cell named {@code cell}, if any. */
  static Optional<Entry> find(String cell, Observation.Difference d) {
    return ENTRIES.stream().filter(e -> e.covers(cell, d)).findFirst();
  }
}
