package org.postern.differential;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.it.AiosmtpdPeer;

/**
 * What one sender MTA did with one scenario, as named fields compared between Postfix 3.12 and
 * Postern: the delivery status line ({@code log.relay}, {@code log.tls}, {@code log.dsn}, {@code
 * log.status}, {@code log.text}: the text in parentheses), the receiver's view ({@code
 * rcvd.arrived}, {@code rcvd.tls}, the ESMTP parameters on MAIL FROM {@code rcvd.mail.REQUIRETLS}
 * and {@code rcvd.mail.SMTPUTF8}, the headers {@code rcvd.header.require-tls-esmtp}, {@code
 * rcvd.header.tls-required} and {@code rcvd.header.mime-error}, and the first body line {@code
 * rcvd.body.first-line}) and the bounce at the sender's address ({@code bounce.*}: arrived,
 * REQUIRETLS on its MAIL FROM, report type, MIME part types, the per-recipient DSN fields with
 * Diagnostic-Code split into {@code .type} and {@code .text}, whether the original body came back
 * (redaction), and its Require-TLS-ESMTP and TLS-Required headers).
 *
 * <p>Failure: a status line that does not have Postfix's shape is recorded as {@code log.line}
 * with the whole line, so the difference shows it.
 */
record Observation(Map<String, String> fields) {
  private static final Pattern STATUS =
      Pattern.compile(
          "relay=([^,]+), (?:conn_use=\\d+, )?delay=[^,]+, delays=[^,]+, (?:tls=([^,]+), )?"
              + "dsn=([^,]+), status=(\\w+) \\((.*)\\)$");
  private static final List<String> DSN_FIELDS =
      List.of("Reporting-MTA", "Final-Recipient", "Original-Recipient", "Action", "Status", "Remote-MTA",
          "Diagnostic-Code");
  private static final String ABSENT = "(absent)";

  Observation {
    fields = new TreeMap<>(fields);
  }

  /**
   * From {@code statusLine} (the text after {@code to=<...>, }), the message as the receiver got it
   * with its MAIL FROM, and the bounce as the bounce receiver got it, when they arrived.
   */
  static Observation of(
      String statusLine, Optional<AiosmtpdPeer.Message> message, Optional<AiosmtpdPeer.Mail> mail,
      Optional<AiosmtpdPeer.Message> bounce, String bodyMarker) {
    Map<String, String> f = new TreeMap<>();
    statusFields("", statusLine, f);
    f.put("rcvd.arrived", Boolean.toString(message.isPresent()));
    message.ifPresent(
        msg -> {
          f.put("rcvd.tls", Boolean.toString(msg.tls()));
          f.put("rcvd.header.require-tls-esmtp", header(msg.text(), "Require-TLS-ESMTP"));
          f.put("rcvd.header.tls-required", header(msg.text(), "TLS-Required"));
          f.put("rcvd.header.mime-error", header(msg.text(), "MIME-Error"));
          f.put("rcvd.body.first-line", firstBodyLine(msg.text()));
        });
    mail.ifPresent(
        ml -> {
          f.put("rcvd.mail.REQUIRETLS", Boolean.toString(hasParameter(ml, "REQUIRETLS")));
          f.put("rcvd.mail.SMTPUTF8", Boolean.toString(hasParameter(ml, "SMTPUTF8")));
        });
    f.put("bounce.arrived", Boolean.toString(bounce.isPresent()));
    bounce.ifPresent(b -> bounceFields(b, bodyMarker, f));
    return new Observation(f);
  }

  private static void statusFields(String prefix, String statusLine, Map<String, String> f) {
    Matcher m = STATUS.matcher(statusLine);
    if (m.find()) {
      f.put(prefix + "log.relay", m.group(1));
      f.put(prefix + "log.tls", m.group(2) == null ? ABSENT : m.group(2));
      f.put(prefix + "log.dsn", m.group(3));
      f.put(prefix + "log.status", m.group(4));
      // A relay's queue id differs between any two runs.
      f.put(prefix + "log.text", m.group(5).replaceAll("queued as [0-9A-Za-z]+", "queued as QUEUEID"));
    } else {
      f.put(prefix + "log.line", statusLine);
    }
  }

  /** This observation with another status line's fields, named {@code prefix + "log.*"}. */
  Observation withStatus(String prefix, String statusLine) {
    Map<String, String> f = new TreeMap<>(fields);
    statusFields(prefix, statusLine, f);
    return new Observation(f);
  }

  /**
   * This observation with the shape of the message's {@code Received:} headers, top down, as
   * {@code rcvd.received}: each one's {@code with} protocol ({@code -} for none, as pickup's), and
   * {@code rcvd.received.tls-comment} whether any carries smtpd's TLS comment ({@code (using ...)}).
   * Names, addresses, queue ids and dates differ between any two MTAs and are not compared.
   */
  Observation withReceivedShape(Optional<AiosmtpdPeer.Message> message) {
    if (message.isEmpty()) {
      return this;
    }
    Map<String, String> f = new TreeMap<>(fields);
    String head = message.get().text().split("\r?\n\r?\n", 2)[0];
    Matcher received = Pattern.compile("(?im)^Received:(.*(?:\r?\n[ \t].*)*)").matcher(head);
    List<String> with = new ArrayList<>();
    boolean tlsComment = false;
    while (received.find()) {
      String value = received.group(1).replaceAll("\\s+", " ");
      Matcher w = Pattern.compile("\\bwith (\\S+)").matcher(value);
      with.add(w.find() ? w.group(1) : "-");
      tlsComment |= value.contains("(using TLS");
    }
    f.put("rcvd.received", String.join(",", with));
    f.put("rcvd.received.tls-comment", Boolean.toString(tlsComment));
    return new Observation(f);
  }

  private static void bounceFields(AiosmtpdPeer.Message b, String bodyMarker, Map<String, String> f) {
    String text = b.text();
    f.put("bounce.mail.REQUIRETLS", Boolean.toString(b.requireTls()));
    String top = text.split("\r?\n\r?\n", 2)[0];
    Matcher type = Pattern.compile("(?i)report-type=\"?([a-z-]+)").matcher(top);
    f.put("bounce.report-type", type.find() ? type.group(1).toLowerCase(Locale.ROOT) : ABSENT);
    Set<String> parts = new LinkedHashSet<>();
    Matcher ct = Pattern.compile("(?im)^Content-Type:\\s*([a-z0-9-]+/[a-z0-9.-]+)").matcher(text);
    while (ct.find()) {
      parts.add(ct.group(1).toLowerCase(Locale.ROOT));
    }
    f.put("bounce.parts", String.join(",", parts));
    for (String name : DSN_FIELDS) {
      f.put("bounce.dsn." + name, dsnField(text, name));
    }
    // The diagnostic type is X-$mail_name: its own field, so the text compares on its own.
    String diagnostic = f.remove("bounce.dsn.Diagnostic-Code");
    int semicolon = diagnostic.indexOf(';');
    f.put("bounce.dsn.Diagnostic-Code.type", semicolon < 0 ? ABSENT : diagnostic.substring(0, semicolon));
    f.put("bounce.dsn.Diagnostic-Code.text", diagnostic.substring(semicolon + 1).strip());
    f.put("bounce.body-returned", Boolean.toString(text.contains(bodyMarker)));
    f.put("bounce.header.require-tls-esmtp", header(text, "Require-TLS-ESMTP"));
    f.put("bounce.header.tls-required", header(text, "TLS-Required"));
  }

  /** The per-recipient DSN field, the last occurrence (the recipient block follows the message block). */
  private static String dsnField(String text, String name) {
    Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*(?:\\r?\\n[ \\t].*)*)").matcher(text);
    String value = ABSENT;
    while (m.find()) {
      value = m.group(1).replaceAll("\\r?\\n[ \\t]+", " ").strip();
    }
    return value;
  }

  /** The first line after the empty line that ends the header, or {@code (absent)}. */
  private static String firstBodyLine(String text) {
    String[] parts = text.split("\r?\n\r?\n", 2);
    return parts.length < 2 ? ABSENT : parts[1].lines().findFirst().orElse("");
  }

  /** The value of the top-level header {@code name} (unfolded), or {@code (absent)}. */
  private static String header(String text, String name) {
    String head = text.split("\r?\n\r?\n", 2)[0];
    Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*(?:\\r?\\n[ \\t].*)*)").matcher(head);
    return m.find() ? m.group(1).replaceAll("\\r?\\n[ \\t]+", " ").strip() : ABSENT;
  }

  private static boolean hasParameter(AiosmtpdPeer.Mail mail, String name) {
    return mail.words().stream().skip(1).anyMatch(
        w -> w.equalsIgnoreCase(name) || w.toUpperCase(Locale.ROOT).startsWith(name + "="));
  }

  /**
   * This observation with {@code text} replaced in every value: the addresses that tell the
   * receivers which MTA sent a message are the same for the comparison.
   */
  Observation replacing(String text, String replacement) {
    Map<String, String> out = new TreeMap<>();
    fields.forEach((k, v) -> out.put(k, v.replace(text, replacement)));
    return new Observation(out);
  }

  /** This observation with only the field {@code name}. */
  Observation only(String name) {
    return new Observation(Map.of(name, fields.getOrDefault(name, ABSENT)));
  }

  /** The fields where {@code other} differs, each as {@code field: this | other}. */
  List<Difference> differences(Observation other) {
    Set<String> names = new LinkedHashSet<>(fields.keySet());
    names.addAll(other.fields.keySet());
    List<Difference> out = new ArrayList<>();
    for (String n : names) {
      String a = fields.getOrDefault(n, ABSENT);
      String b = other.fields.getOrDefault(n, ABSENT);
      if (!a.equals(b)) {
        out.add(new Difference(n, a, b));
      }
    }
    return out;
  }

  /** One field that differs: the reference's value, then Postern's. */
  record Difference(String field, String postfix, String postern) {
    @Override
    public String toString() {
      return field + ": postfix=" + postfix + " | postern=" + postern;
    }
  }
}
