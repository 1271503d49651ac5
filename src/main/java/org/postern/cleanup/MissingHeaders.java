package org.postern.cleanup;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The headers cleanup adds when a message lacks them: {@code Message-Id: <YYYYMMDDhhmmss.ID@
 * $myhostname>} (arrival time in UTC), {@code Date:} (arrival time in the local zone, RFC 5322
 * form with the zone abbreviation in parentheses), and {@code From:} from the envelope sender
 * (with the sender's full name when one was given; {@code MAILER-DAEMON} for the null sender).
 */
final class MissingHeaders {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx", Locale.US);
  private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.US);
  private static final String SPECIALS = "()<>[]:;@\\,.\"";

  private MissingHeaders() {}

  /** The message id, without angle brackets. */
  static String messageId(Instant arrival, String queueId, String myhostname) {
    return ID_TIME.format(arrival) + "." + queueId + "@" + myhostname;
  }

  /** A Date: value as Postfix's mail_date writes it: {@code Tue, 24 Nov 2026 07:11:24 +0100 (CET)}. */
  static String date(Instant arrival, ZoneId zone) {
    ZonedDateTime t = arrival.atZone(zone);
    return DATE.format(t) + " (" + ZONE_NAME.format(t) + ")";
  }

  /**
   * A From: value: {@code Full Name <sender>} (header_from_format = standard) or {@code sender
   * (Full Name)} (obsolete); the bare sender without a full name.
   */
  static String from(String sender, String fullName, boolean obsoleteFormat) {
    if (sender.isEmpty()) {
      return "MAILER-DAEMON";
    }
    if (fullName.isBlank()) {
      return sender;
    }
    if (obsoleteFormat) {
      return sender + " (" + fullName.replace("(", "\\(").replace(")", "\\)") + ")";
    }
    return phrase(fullName) + " <" + sender + ">";
  }

  private static String phrase(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (SPECIALS.indexOf(name.charAt(i)) >= 0) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      }
    }
    return name;
  }
}
