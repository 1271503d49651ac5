package org.postern.bounce;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postern.deliver.RecipientLog;

/**
 * Writes a notification as an RFC 6522 multipart/report with report-type=delivery-status: a
 * text/plain explanation, the RFC 3464 delivery status (RFC 6533 message/global-delivery-status
 * for SMTPUTF8 mail), and the original as message/rfc822 or text/rfc822-headers (message/global
 * or message/global-headers). The shape is that of Postfix's bounce templates; the words are
 * Postern's own.
 *
 * <p>Lines end in LF; the submitter (cleanup) stores lines, not line ends. The report declares
 * 8bit because addresses, host names and the returned message may hold UTF-8, as Postfix does
 * with smtputf8_enable.
 */
final class NotificationWriter {
  static final DateTimeFormatter MAIL_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.US);
  private static final int WIDTH = 79;
  private static final int INDENT = 4;

  private final BounceSettings settings;
  private final Clock clock;

  NotificationWriter(BounceSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  void write(Notice notice, OutputStream out) throws IOException {
    String boundary = boundary(notice);
    List<String> lines = new ArrayList<>(headers(notice, boundary));
    lines.add("");
    lines.add("This is a MIME message in several parts: a delivery report.");
    lines.addAll(explanation(notice, boundary));
    lines.addAll(new DeliveryStatus(settings, clock.getZone()).part(notice, boundary));
    lines.addAll(originalPartHeader(notice, boundary));
    print(out, lines);
    OriginalCopy.write(notice.original(), notice.headersOnly(), out);
    print(out, List.of("", "--" + boundary + "--"));
  }

  private List<String> headers(Notice n, String boundary) {
    ZonedDateTime now = ZonedDateTime.now(clock);
    List<String> h = new ArrayList<>();
    h.add("Date: " + MAIL_DATE.format(now));
    h.add("From: MAILER-DAEMON@" + settings.myhostname() + " (" + settings.mailName()
        + " mail system)");
    h.add("Subject: " + n.type().subject(n.postmasterCopy()));
    h.add("To: " + n.to());
    h.add("Message-Id: <" + messageIdLocalPart(n, now.toInstant()) + "@"
        + settings.myhostname() + ">");
    h.add("Auto-Submitted: " + (n.postmasterCopy() ? "auto-generated" : "auto-replied"));
    if (!n.original().envelope().requireTls() && n.original().tlsRequiredNo()) {
      h.add("TLS-Required: No");
    }
    h.add("MIME-Version: 1.0");
    h.add("Content-Type: multipart/report; report-type=delivery-status;");
    h.add("\tboundary=\"" + boundary + "\"");
    h.add("Content-Transfer-Encoding: 8bit");
    return h;
  }

  private List<String> explanation(Notice n, String boundary) {
    List<String> p = new ArrayList<>();
    p.add("");
    p.add("--" + boundary);
    p.add("Content-Description: Notification");
    p.add("Content-Type: text/plain; charset=utf-8");
    p.add("Content-Transfer-Encoding: 8bit");
    p.add("");
    if (!n.postmasterCopy()) {
      p.addAll(NoticeText.preamble(n, settings));
    }
    if (n.redacted()) {
      p.add("");
      p.addAll(NoticeText.redaction());
    }
    for (RecipientLog.Entry e : n.entries()) {
      p.add("");
      p.addAll(TextWrap.wrap(recipientLine(n.type(), e), WIDTH, INDENT));
    }
    return p;
  }

  /** The recipient and what happened; a -bv report also names the next hop, as Postfix's does. */
  private static String recipientLine(NoticeType type, RecipientLog.Entry e) {
    String text = type == NoticeType.TRACE && !e.relay().isEmpty() && !e.relay().equals("none")
        ? "delivery via " + e.relay() + ": " + e.text() : e.text();
    String orig = e.originalRecipient().orElse("");
    if (!orig.isEmpty() && !orig.equalsIgnoreCase(e.recipient())) {
      return "<" + e.recipient() + "> (expanded from <" + orig + ">): " + text;
    }
    return "<" + e.recipient() + ">: " + text;
  }

  private static List<String> originalPartHeader(Notice n, String boundary) {
    String what = n.headersOnly() ? "Message Headers" : "Message";
    String type;
    if (n.global()) {
      type = n.headersOnly() ? "message/global-headers" : "message/global";
    } else {
      type = n.headersOnly() ? "text/rfc822-headers" : "message/rfc822";
    }
    return List.of(
        "",
        "--" + boundary,
        "Content-Description: " + (n.type().undelivered() ? "Undelivered " : "") + what,
        "Content-Type: " + type,
        "Content-Transfer-Encoding: 8bit",
        "");
  }

  /**
   * Unique enough for one report: the queue id, the time and the host name, as Postfix builds
   * it. Neither the queue id nor a host name holds characters a boundary may not have.
   */
  private String boundary(Notice n) {
    return n.queueId() + "." + clock.instant().getEpochSecond() + "/" + settings.myhostname();
  }

  private static String messageIdLocalPart(Notice n, Instant now) {
    String kind = n.type().name().toLowerCase(Locale.ROOT) + (n.postmasterCopy() ? "-pm" : "");
    return now.getEpochSecond() + "." + n.queueId() + "." + kind;
  }

  private static void print(OutputStream out, List<String> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
  }
}
